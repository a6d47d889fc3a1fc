import { DiscordAPIError, RESTJSONErrorCodes } from 'discord.js';
import { BotError } from '../core/bot-error.js';

export const MISSING_PERMISSIONS =
  "I'm missing permissions in this channel. I need View Channel, Read Message History and Send Messages (and Send Messages in Threads for threads); a server admin can add them under the channel's Permissions.";

/** Discord API errors that a user can act on, in Discord's words; anything else is left as it is. */
export function asUserFacing(err: unknown): unknown {
  if (!(err instanceof DiscordAPIError)) return err;
  switch (err.code) {
    case RESTJSONErrorCodes.MissingPermissions:
    case RESTJSONErrorCodes.MissingAccess:
      return new BotError('MISSING_PERMISSIONS', MISSING_PERMISSIONS, { cause: err });
    case RESTJSONErrorCodes.UnknownChannel:
      return new BotError('UNKNOWN_CHANNEL', "I can't see this channel any more. Was it deleted, or were my permissions removed?", { cause: err });
    default:
      if (err.status === 429) return new BotError('RATE_LIMITED', 'Discord is rate limiting me right now. Please try again in a minute.', { permanent: false, cause: err });
      return err;
  }
}

/** Whether an interaction webhook can no longer be used (expired or unknown token). */
export function isExpiredToken(err: unknown): boolean {
  return (
    err instanceof DiscordAPIError &&
    (err.code === RESTJSONErrorCodes.InvalidWebhookToken || err.code === RESTJSONErrorCodes.UnknownWebhook || err.code === RESTJSONErrorCodes.UnknownInteraction)
  );
}
