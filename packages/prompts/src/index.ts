export { renderTranscript, type ChatMessage } from './conversation.js';
export type { RenderedPrompt } from './rendered-prompt.js';
export { renderSummarizePrompt, SUMMARIZE_TEMPLATE } from './summarize.js';
export { fitRecentMessages, type CountTokens, type FittedMessages } from './budget.js';
