import { renderConversation, renderSummarize, renderSummarizeReduce } from '@parley/prompts';
import { templateOptions } from './prompting.js';
import type { SummaryPrompts } from './summary-plan.js';

/** Summary prompts in the family of whichever model serves the task. */
export const summaryPrompts: SummaryPrompts = {
  thread(engine, messages, firstRef = 1, examples = []) {
    const conversation = renderConversation(messages, { firstRef });
    const prompt = renderSummarize({ conversation: conversation.text }, { ...templateOptions(engine), examples });
    return { text: prompt.text, template: prompt.template, refs: conversation.refs, examples: prompt.examples };
  },
  reduce(engine, summaries) {
    const { family, chat } = templateOptions(engine);
    const prompt = renderSummarizeReduce({ partials: summaries }, { family, ...(chat && { chat }) });
    return { text: prompt.text, template: prompt.template };
  },
};
