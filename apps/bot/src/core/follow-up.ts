import type { TaskRequest } from '@parley/jobs';
import type { MentionIntent } from './mention-intent.js';

/**
 * A question asked in a thread where Parley has already answered is a follow-up: it goes to the
 * model as the next turn of a chat (`chat: true`), with the thread's messages and Parley's
 * earlier answers as the turns before it. Summaries, translations and entities stay what they are.
 */
export function followUpTask(intent: MentionIntent, parleyAnsweredHere: boolean): Extract<TaskRequest, { task: 'ask' }> | undefined {
  if (intent.task !== 'ask' || !parleyAnsweredHere) return undefined;
  return { task: 'ask', question: intent.question, chat: true };
}
