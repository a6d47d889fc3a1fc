import { UserFacingError } from '../core/user-facing-error.js';

/** Slack Web API error codes, as a user should hear them. */
const MESSAGES: Record<string, string> = {
  not_in_channel: "I'm not in that channel. Invite me with `/invite @Parley`, then try again.",
  channel_not_found: "I can't see that channel. Invite me with `/invite @Parley`, then try again.",
  thread_not_found: "I couldn't find that thread. Check the link and try again.",
  missing_scope: 'Parley is missing a Slack permission for this. Ask an admin to reinstall the app.',
  ratelimited: 'Slack is rate-limiting Parley right now. Please try again in a minute.',
};

/** Turns a WebClient failure into a UserFacingError with the Slack error code kept for the logs. */
export function fromSlackError(err: unknown): UserFacingError {
  const code = (err as { data?: { error?: string } }).data?.error ?? (err as { code?: string }).code ?? 'slack_request_failed';
  const message = MESSAGES[code] ?? "Slack didn't let me read that thread. Please try again.";
  return new UserFacingError(`SLACK_${code.toUpperCase()}`, message, { cause: err });
}
