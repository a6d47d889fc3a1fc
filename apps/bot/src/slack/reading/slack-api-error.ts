import { z } from 'zod';
import { BotError } from '../../core/bot-error.js';

const NOT_IN_CHANNEL = "I'm not in this channel: invite me with `/invite @Parley`, then try again.";

/** Slack Web API error codes, as a user should hear them. */
const MESSAGES: Record<string, string> = {
  not_in_channel: NOT_IN_CHANNEL,
  // Slack answers this for private channels the bot was never invited to.
  channel_not_found: NOT_IN_CHANNEL,
  thread_not_found: "I couldn't find that thread. Check the link and try again.",
  message_not_found: "I couldn't find that message. It may have been deleted.",
  ratelimited: 'Slack is rate-limiting Parley right now. Please try again in a minute.',
};

/** What a failed Web API call carries: `data` is Slack's answer (`needed` comes with missing_scope). */
const platformError = z.object({
  data: z.object({ error: z.string(), needed: z.string().optional() }),
});

/** Scope names as Slack writes them (`channels:history`, `groups:history,mpim:history`); anything else is not echoed. */
const SCOPES = /^[a-z]+(?:[:.][a-z_]+)*(?:,[a-z]+(?:[:.][a-z_]+)*)*$/;

function missingScope(needed: string | undefined): string {
  const named = needed && SCOPES.test(needed) ? needed.split(',').map((s) => `\`${s}\``).join(', ') : undefined;
  return named
    ? `Parley is missing the Slack permission ${named} for this. A workspace admin must reinstall the app to grant it.`
    : 'Parley is missing a Slack permission for this. A workspace admin must reinstall the app to grant it.';
}

/** Turns a WebClient failure into a BotError with the Slack error code kept for the logs. */
export function fromSlackError(err: unknown): BotError {
  const parsed = platformError.safeParse(err);
  const code = parsed.success ? parsed.data.data.error : ((err as { code?: string }).code ?? 'slack_request_failed');
  const message =
    code === 'missing_scope' ? missingScope(parsed.success ? parsed.data.data.needed : undefined) : (MESSAGES[code] ?? "Slack didn't let me read those messages. Please try again.");
  return new BotError(`SLACK_${code.toUpperCase()}`, message, { cause: err });
}
