import type { Logger } from '@parley/service-kit';
import { DiscordAPIError, MessageFlags, RateLimitError, RESTJSONErrorCodes, Routes, type REST } from 'discord.js';
import type { Redis } from 'ioredis';
import { BotError } from '../core/bot-error.js';
import { PlatformRateLimited, type DeliveryAttempt, type ReplyDelivery, type ReplyFor } from '../core/reply-consumer.js';
import { isExpiredToken } from './discord-errors.js';
import { discordStreamingText, formatDiscordReply } from './format-reply.js';
import { NO_PINGS } from './no-pings.js';
import type { ReplyEditor } from './reply-editor.js';
import { editRoute, replyHandleOf, tokenUsable } from './reply-handle.js';
import { splitMessage } from './split-message.js';

/** Discord errors another attempt cannot fix. */
const PERMANENT = new Set<number>([
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel,
]);

export interface DiscordDeliveryDeps {
  /** No retries of its own and rejecting rate limits: the reply queue retries, and markers stop double posts. */
  rest: REST;
  redis: Redis;
  prefix: string;
  editor: ReplyEditor;
  tokenLifetimeMs: number;
  log: Logger;
}

type DiscordReply = ReplyFor<'discord'>;

/**
 * How a reply goes out: through the interaction (the deferred reply, then follow-ups), into a
 * mention's placeholder (then replies to it), or, once an interaction token has expired, as
 * ordinary channel messages that name the request.
 */
type Mode = 'interaction' | 'placeholder' | 'channel';

class ExpiredToken extends Error {
  override readonly name = 'ExpiredToken';
}

/** A Discord call that failed with an API error code. */
class DiscordCallFailed extends BotError {
  override name = 'DiscordCallFailed';
}

const expiredKey = (prefix: string, requestId: string) => `${prefix}:discord-expired:${requestId}`;

function fallbackHeader(reply: DiscordReply): string {
  return `<@${reply.target.userId}>, your request (ref \`${reply.requestId}\`) finished after Discord's 15-minute limit for interaction replies, so here it is:`;
}

/**
 * Discord's side of the reply consumer. Streamed text edits the waiting reply at most once per
 * interval. The answer's first part replaces the waiting reply; longer answers continue in
 * follow-ups split at paragraphs, never inside a code block. Channel posts carry a nonce Discord
 * enforces, so a retried reply posts no part twice. Every payload disables pings.
 */
export function discordDelivery(deps: DiscordDeliveryDeps): ReplyDelivery<'discord'> {
  const { rest, redis, prefix, log } = deps;

  const call = async <T>(send: () => Promise<T>): Promise<T> =>
    send().catch((err: unknown) => {
      if (err instanceof RateLimitError) throw new PlatformRateLimited(err.retryAfter, err.route);
      if (err instanceof DiscordAPIError && typeof err.code === 'number' && PERMANENT.has(err.code)) {
        throw new DiscordCallFailed(String(err.code), 'Discord refused the reply.', { permanent: true, cause: err });
      }
      throw err;
    });

  const post = (channelId: string, content: string, nonce: string, replyTo?: string) =>
    call(() =>
      rest.post(Routes.channelMessages(channelId), {
        body: {
          content,
          allowed_mentions: NO_PINGS,
          nonce,
          enforce_nonce: true,
          ...(replyTo && { message_reference: { message_id: replyTo, fail_if_not_exists: false } }),
        },
      }),
    ) as Promise<{ id: string }>;

  const deliverAs = async (mode: Mode, reply: DiscordReply, attempt: DeliveryAttempt): Promise<{ parts: number }> => {
    const { requestId, target } = reply;
    const handle = replyHandleOf(target);
    let text = formatDiscordReply(reply.outcome, requestId, target);
    if (mode === 'channel' && handle?.kind === 'interaction') {
      text = target.private
        ? `<@${target.userId}>, your private request (ref \`${requestId}\`) finished after Discord's 15-minute limit, so I can't show it to you alone. Please ask again.`
        : `${fallbackHeader(reply)}\n\n${text}`;
    }
    const parts = splitMessage(text);
    for (const [i, content] of parts.entries()) {
      if (await attempt.posted(`${mode}:${i}`)) continue;
      let id: string | undefined;
      const nonce = `${requestId.slice(-20)}-${i}`.slice(-25);
      if (mode === 'interaction' && handle?.kind === 'interaction') {
        const body = { content, allowed_mentions: NO_PINGS, ...(target.private && { flags: MessageFlags.Ephemeral }) };
        const route = i === 0 ? editRoute(handle).route : Routes.webhook(handle.applicationId, handle.token);
        try {
          await call(() => (i === 0 ? rest.patch(route, { body, auth: false }) : rest.post(route, { body, auth: false, query: new URLSearchParams({ wait: 'true' }) })));
        } catch (err) {
          throw isExpiredToken(err) ? new ExpiredToken() : err;
        }
      } else if (mode === 'placeholder' && handle?.kind === 'message') {
        if (i === 0) {
          id = await call(() => rest.patch(editRoute(handle).route, { body: { content, allowed_mentions: NO_PINGS } }))
            .then(() => handle.messageId)
            .catch((err: unknown) => {
              // Someone deleted the placeholder: the answer still gets posted.
              if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMessage) return undefined;
              throw err;
            });
        }
        id ??= (await post(target.channelId, content, nonce, i === 0 ? target.messageId : handle.messageId)).id;
      } else {
        id = (await post(target.channelId, content, nonce, target.messageId)).id;
      }
      await attempt.markPosted(`${mode}:${i}`, id);
    }
    log.info({ requestId, ok: reply.outcome.ok, parts: parts.length, mode, private: Boolean(target.private) }, 'reply posted');
    return { parts: parts.length };
  };

  const deliver = async (reply: DiscordReply, attempt: DeliveryAttempt): Promise<{ parts: number }> => {
    const { requestId, target } = reply;
    const handle = replyHandleOf(target);
    if (handle) await deps.editor.freeze(handle);
    let mode: Mode = handle?.kind === 'interaction' ? 'interaction' : handle ? 'placeholder' : 'channel';
    if (mode === 'interaction' && (!tokenUsable(handle!, Date.now(), deps.tokenLifetimeMs) || (await redis.exists(expiredKey(prefix, requestId))))) mode = 'channel';
    try {
      return await deliverAs(mode, reply, attempt);
    } catch (err) {
      if (!(err instanceof ExpiredToken)) throw err;
      // Discord refused the token (expired early, or the interaction is gone): answer in the channel.
      await redis.set(expiredKey(prefix, requestId), '1', 'EX', 86_400);
      return deliverAs('channel', reply, attempt);
    }
  };

  return {
    stream: {
      wants: (target) => replyHandleOf(target) !== undefined,
      show: (_requestId, target, text, live) => {
        const handle = replyHandleOf(target);
        if (handle) deps.editor.show(handle, discordStreamingText(text), live);
      },
    },
    deliver,
    concurrency: 8,
    // Needed for a rate limit to pause the queue; Discord's global limit is 50 requests a second.
    limiter: { max: 40, duration: 1000 },
  };
}
