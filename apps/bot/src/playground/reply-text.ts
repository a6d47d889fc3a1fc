import type { ReplyOutcome } from '@parley/jobs';
import { describeSettings } from '@parley/settings';

/** The reply's footer: task, what the model read, the model, and the settings it ran with. */
export function replyFooter(outcome: ReplyOutcome): string | undefined {
  if (!outcome.ok) return undefined;
  const read = outcome.messagesCovered < outcome.messagesInThread ? `last ${outcome.messagesCovered} of ${outcome.messagesInThread} messages` : `${outcome.messagesInThread} messages`;
  const model = outcome.model.isRandomTestModel ? `${outcome.model.name} (the random test model: its words are random)` : outcome.model.name;
  return `${outcome.task} · ${read} · ${model} · ${describeSettings(outcome.generation)}`;
}

/** What the reply says: the model's text, or the failure in user words. */
export function replyText(outcome: ReplyOutcome): string {
  return outcome.ok ? outcome.text || '(the model returned no text)' : `⚠️ ${outcome.userMessage}`;
}
