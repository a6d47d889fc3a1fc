import { renderTranscript, type ChatMessage } from './conversation.js';
import type { RenderedPrompt } from './rendered-prompt.js';

export const SUMMARIZE_TEMPLATE = 'summarize/t5-zero-shot@1';

/**
 * Zero-shot summarization in the T5 task-prefix style ("summarize: …"), the form Flan-T5 and T5
 * were trained on.
 */
export function renderSummarizePrompt(messages: readonly ChatMessage[]): RenderedPrompt {
  return { text: `summarize: ${renderTranscript(messages)}`, template: SUMMARIZE_TEMPLATE };
}
