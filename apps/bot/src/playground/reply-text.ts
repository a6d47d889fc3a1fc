import type { ReplyOutcome } from '@parley/jobs';
import { footerText } from '../core/reply-words.js';

/** The reply's footer: task, what the model read, the model, and the settings it ran with. */
export function replyFooter(outcome: ReplyOutcome): string | undefined {
  return outcome.ok ? footerText(outcome) : undefined;
}

/** What the reply says: the model's text, or the failure in user words. */
export function replyText(outcome: ReplyOutcome): string {
  return outcome.ok ? outcome.text || '(the model returned no text)' : `⚠️ ${outcome.userMessage}`;
}
