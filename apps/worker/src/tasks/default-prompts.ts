import { renderSummarizePrompt } from '@parley/prompts';
import type { SummaryPrompts } from './summary-plan.js';

/** Summary prompts for every model family the worker serves. */
export const summaryPrompts: SummaryPrompts = {
  thread: (_engine, messages) => renderSummarizePrompt(messages),
  reduce: (_engine, summaries) => ({ text: `summarize: ${summaries.join('\n')}`, template: 'summarize-reduce/t5-zero-shot@1' }),
};
