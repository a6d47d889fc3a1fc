import type { Logger } from '@parley/service-kit';
import { DiscordAPIError, MessageFlags, RateLimitError, RESTJSONErrorCodes, Routes, type REST } from 'discord.js';
import type { Redis } from 'ioredis';
import { BotError } from '../core/bot-error.js';
import { PlatformRateLimited, type DeliveryAttempt, type ReplyDelivery, type ReplyFor } from '../core/reply-consumer.js';
import { isExpiredToken } from './discord-errors.js';
import { discordReplyBody, discordReplyFooter, discordStreamingText, formatDiscordReply } from './format-reply.js';
import { NO_PINGS } from './no-pings.js';
import type { ReplyEditor } from './reply-editor.js';
import { editRoute, replyHandleOf, tokenUsable } from './reply-handle.js';
import { splitMessage } from './split-message.js';
import { answerMessages, type V2Message } from './v2-message.js';

/** Discord errors another attempt cannot fix. */
const PERMANENT = new Set<number>([
  RESTJSONErrorCodes.MissingPermissions,
  RESTJSONErrorCodes.MissingAccess,
  RESTJSONErrorCodes.UnknownChannel,
  RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel,
  RESTJSONErrorCodes.ThisInteractionHasHitTheMaximumNumberOfFollowUpMessages,
]);

/** Follow-ups Discord allows an interaction of an app used where only a user installed it. */
export const USER_INSTALL_FOLLOW_UPS = 5;

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

/** One message of a reply: plain content (waiting and failure words), or a Components V2 answer. */
type Payload = { content: string } | V2Message;

class ExpiredToken extends Error {
  override readonly name = 'ExpiredToken';
}

/** A Discord call that failed with an API error code. */
class DiscordCallFailed extends BotError {
  override name = 'DiscordCallFailed';
}

/** An answer that can no longer reach a user-installed interaction, where Parley has no channel to fall back on. */
class InteractionExpired extends BotError {
  override name = 'InteractionExpired';
}

const expiredKey = (prefix: string, requestId: string) => `${prefix}:discord-expired:${requestId}`;

function fallbackHeader(reply: DiscordReply): string {
  return `<@${reply.target.userId}>, your request (ref \`${reply.requestId}\`) finished after Discord's 15-minute limit for interaction replies, so here it is:`;
}

/** The messages a reply is sent as in `mode`: an answer as V2 messages with the feedback buttons on the last, anything else as text. */
function payloadsOf(mode: Mode, reply: DiscordReply): Payload[] {
  const { requestId, target, outcome } = reply;
  const fellBack = mode === 'channel' && target.interaction !== undefined;
  if (fellBack && target.private) {
    return [{ content: `<@${target.userId}>, your private request (ref \`${requestId}\`) finished after Discord's 15-minute limit, so I can't show it to you alone. Please ask again.` }];
  }
  if (!outcome.ok) {
    const text = formatDiscordReply(outcome, requestId, target);
    return splitMessage(fellBack ? `${fallbackHeader(reply)}\n\n${text}` : text).map((content) => ({ content }));
  }
  const body = discordReplyBody(outcome, target);
  return answerMessages(fellBack ? `${fallbackHeader(reply)}\n\n${body}` : body, discordReplyFooter(outcome), requestId, {
    ...(target.userInstallOnly && { maxMessages: 1 + USER_INSTALL_FOLLOW_UPS }),
  });
}

/** A payload as an edit sends it: opting an earlier text message into V2 needs its content and embeds cleared. */
function asEdit(payload: Payload): Record<string, unknown> {
  return 'components' in payload ? { ...payload, content: null, embeds: null } : { ...payload };
}

/**
 * Discord's side of the reply consumer. Streamed text edits the waiting reply at most once per
 * interval. The answer's first part replaces the waiting reply; longer answers continue in
 * follow-ups, each at most 4,000 characters of text, never cut inside a code block. Where only a
 * user installed Parley, the answer stays within the reply and 5 follow-ups and never goes to the
 * channel. Channel posts carry a nonce Discord enforces, so a retried reply posts no part twice.
 * Every payload disables pings.
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

  const post = (channelId: string, payload: Payload, nonce: string, replyTo?: string) =>
    call(() =>
      rest.post(Routes.channelMessages(channelId), {
        body: {
          ...payload,
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
    const parts = payloadsOf(mode, reply);
    for (const [i, payload] of parts.entries()) {
      if (await attempt.posted(`${mode}:${i}`)) continue;
      let id: string | undefined;
      const nonce = `${requestId.slice(-20)}-${i}`.slice(-25);
      if (mode === 'interaction' && handle?.kind === 'interaction') {
        const flags = ('flags' in payload ? payload.flags : 0) | (target.private ? MessageFlags.Ephemeral : 0);
        const body = { ...(i === 0 ? asEdit(payload) : payload), allowed_mentions: NO_PINGS, ...(flags && { flags }) };
        const route = i === 0 ? editRoute(handle).route : Routes.webhook(handle.applicationId, handle.token);
        try {
          await call(() => (i === 0 ? rest.patch(route, { body, auth: false }) : rest.post(route, { body, auth: false, query: new URLSearchParams({ wait: 'true' }) })));
        } catch (err) {
          throw isExpiredToken(err) ? new ExpiredToken() : err;
        }
      } else if (mode === 'placeholder' && handle?.kind === 'message') {
        if (i === 0) {
          id = await call(() => rest.patch(editRoute(handle).route, { body: { ...asEdit(payload), allowed_mentions: NO_PINGS } }))
            .then(() => handle.messageId)
            .catch((err: unknown) => {
              // Someone deleted the placeholder: the answer still gets posted.
              if (err instanceof DiscordAPIError && err.code === RESTJSONErrorCodes.UnknownMessage) return undefined;
              throw err;
            });
        }
        id ??= (await post(target.channelId, payload, nonce, i === 0 ? target.messageId : handle.messageId)).id;
      } else {
        id = (await post(target.channelId, payload, nonce, target.messageId)).id;
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
    if (target.userInstallOnly) {
      // Parley's bot is not in this channel: the interaction is the only way to the requester.
      try {
        return await deliverAs('interaction', reply, attempt);
      } catch (err) {
        if (!(err instanceof ExpiredToken)) throw err;
        log.warn({ requestId }, 'user-installed interaction expired before its answer');
        throw new InteractionExpired('INTERACTION_EXPIRED', "The answer took longer than Discord's 15 minutes for interaction replies.");
      }
    }
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
        // Progress with only a worker's stage and no text yet leaves the waiting words as they are.
        if (handle && text.trim() !== '') deps.editor.show(handle, discordStreamingText(text), live);
      },
    },
    deliver,
    concurrency: 8,
    // Needed for a rate limit to pause the queue; Discord's global limit is 50 requests a second.
    limiter: { max: 40, duration: 1000 },
  };
}
