import type { PromptFamily } from '../prompt-family.js';
import { ASK_VERSION } from './ask.js';
import { CHAT_VERSION } from './chat.js';
import { ENTITIES_VERSION } from './entities.js';
import { SUMMARIZE_REDUCE_VERSION } from './summarize-reduce.js';
import { SUMMARIZE_VERSION } from './summarize.js';
import { TRANSLATE_VERSION } from './translate.js';

/** `chat` is `ask` as the next turn of a chat with Parley, not a question about a thread. */
export type PromptTask = 'summarize' | 'summarize-reduce' | 'translate' | 'entities' | 'ask' | 'chat';

export interface TemplateEntry {
  /** e.g. `summarize/chat@1`, as recorded in `RenderedPrompt.template`. */
  id: string;
  task: PromptTask;
  family: PromptFamily;
  /** Whether the template uses shots from the task's bank. */
  takesShots: boolean;
}

const entry = (task: PromptTask, family: PromptFamily, version: number, takesShots: boolean): TemplateEntry => ({
  id: `${task}/${family}@${version}`,
  task,
  family,
  takesShots,
});

/** Every task × family pair that has a template. */
export const TEMPLATES: readonly TemplateEntry[] = [
  entry('summarize', 't5', SUMMARIZE_VERSION, true),
  entry('summarize', 'chat', SUMMARIZE_VERSION, true),
  entry('summarize', 'seq2seq-plain', SUMMARIZE_VERSION, false),
  entry('summarize-reduce', 't5', SUMMARIZE_REDUCE_VERSION, false),
  entry('summarize-reduce', 'chat', SUMMARIZE_REDUCE_VERSION, false),
  entry('summarize-reduce', 'seq2seq-plain', SUMMARIZE_REDUCE_VERSION, false),
  entry('translate', 't5', TRANSLATE_VERSION, true),
  entry('translate', 'marian', TRANSLATE_VERSION, false),
  entry('translate', 'chat', TRANSLATE_VERSION, true),
  entry('entities', 't5', ENTITIES_VERSION, true),
  entry('entities', 'chat', ENTITIES_VERSION, true),
  entry('ask', 't5', ASK_VERSION, true),
  entry('ask', 'chat', ASK_VERSION, true),
  entry('chat', 't5', CHAT_VERSION, false),
  entry('chat', 'chat', CHAT_VERSION, false),
];

export function findTemplate(task: PromptTask, family: PromptFamily): TemplateEntry | undefined {
  return TEMPLATES.find((t) => t.task === task && t.family === family);
}
