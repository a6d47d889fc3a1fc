import { replyJobSchema, replyQueueName, type DiscordTarget, type ReplyJob } from '@parley/jobs';
import { redisOptions, type Logger } from '@parley/service-kit';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { DiscordAPIError, MessageFlags, RateLimitError, RESTJSONErrorCodes, Routes, type REST } from 'discord.js';
import type { Redis } from 'ioredis';
import type { PlatformMetrics } from '../core/bot-metrics.js';
import { streamKeys } from '../core/progress-stream.js';
import { isExpiredToken } from './discord-errors.js';
import { formatDiscordReply } from './format-reply.js';
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
  /** No retries of its own and rejecting rate limits: BullMQ retries, and markers stop double posts. */
  rest: REST;
  redis: Redis;
  redisUrl: string;
  prefix: string;
  editor: ReplyEditor;
  tokenLifetimeMs: number;
  metrics: PlatformMetrics;
  log: Logger;
}

/** A short code for a delivery that failed for good: Discord's error code, or what went wrong before Discord. */
function deliveryFailureCode(err: Error): string {
  if (err instanceof DiscordAPIError) return String(err.code);
  const coded = /^discord: (\w+)$/.exec(err.message)?.[1];
  if (coded) return coded;
  return err.message === 'invalid reply payload' ? 'invalid_payload' : 'error';
}

/**
 * How a reply goes out: through the interaction (the deferred reply, then follow-ups), into a
 * mention's placeholder (then replies to it), or, once an interaction token has expired, as
 * ordinary channel messages that name the request.
 */
type Mode = 'interaction' | 'placeholder' | 'channel';

class ExpiredToken extends Error {
  override readonly name = 'ExpiredToken';
}

const expiredKey = (prefix: string, requestId: string) => `${prefix}:discord-expired:${requestId}`;

function fallbackHeader(reply: ReplyJob, target: DiscordTarget): string {
  return `<@${target.userId}>, your request (ref \`${reply.requestId}\`) finished after Discord's 15-minute limit for interaction replies, so here it is:`;
}

/**
 * Posts finished Discord replies from the `replies-discord` queue. The first part replaces the
 * waiting reply; longer answers continue in follow-ups split at paragraphs, never inside a code
 * block. Each part that is out gets a Redis marker, so a retried job posts no part twice, and
 * channel posts carry a nonce Discord enforces for the same reason. Every payload disables pings.
 */
export function startDiscordDelivery(deps: DiscordDeliveryDeps): Worker {
  const { rest, redis, prefix, log } = deps;

  const call = async <T>(send: () => Promise<T>): Promise<T> =>
    send().catch(async (err: unknown) => {
      if (err instanceof RateLimitError) {
        deps.metrics.rateLimited('discord', err.route);
        log.warn({ retryAfterMs: err.retryAfter }, 'discord rate-limited a reply');
        await worker.rateLimit(err.retryAfter);
        throw Worker.RateLimitError();
      }
      if (err instanceof DiscordAPIError && typeof err.code === 'number' && PERMANENT.has(err.code)) throw new UnrecoverableError(`discord: ${err.code}`);
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

  const deliver = async (job: Job, reply: ReplyJob, target: DiscordTarget): Promise<{ parts: number; mode: Mode }> => {
    const { requestId } = reply;
    const handle = replyHandleOf(target);
    await redis.set(streamKeys.final(prefix, requestId), '1', 'EX', 3600);
    if (handle) await deps.editor.freeze(handle);
    let mode: Mode = handle?.kind === 'interaction' ? 'interaction' : handle ? 'placeholder' : 'channel';
    if (mode === 'interaction' && (!tokenUsable(handle!, Date.now(), deps.tokenLifetimeMs) || (await redis.exists(expiredKey(prefix, requestId))))) mode = 'channel';
    try {
      return await deliverAs(mode, job, reply, target);
    } catch (err) {
      if (!(err instanceof ExpiredToken)) throw err;
      // Discord refused the token (expired early, or the interaction is gone): answer in the channel.
      await redis.set(expiredKey(prefix, requestId), '1', 'EX', 86_400);
      return deliverAs('channel', job, reply, target);
    }
  };

  const deliverAs = async (mode: Mode, job: Job, reply: ReplyJob, target: DiscordTarget): Promise<{ parts: number; mode: Mode }> => {
    const { requestId } = reply;
    const handle = replyHandleOf(target);

    let text = formatDiscordReply(reply.outcome, requestId, target);
    if (mode === 'channel' && handle?.kind === 'interaction') {
      text = target.private
        ? `<@${target.userId}>, your private request (ref \`${requestId}\`) finished after Discord's 15-minute limit, so I can't show it to you alone. Please ask again.`
        : `${fallbackHeader(reply, target)}\n\n${text}`;
    }
    const parts = splitMessage(text);
    const marker = (i: number) => `${prefix}:posted:${job.id}:${mode}:${i}`;
    for (const [i, content] of parts.entries()) {
      if (await redis.exists(marker(i))) continue;
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
      await redis.set(marker(i), id ?? '1', 'EX', 7 * 24 * 3600);
    }
    log.info({ requestId, ok: reply.outcome.ok, parts: parts.length, mode, private: Boolean(target.private) }, 'reply posted');
    return { parts: parts.length, mode };
  };

  const worker: Worker = new Worker(
    replyQueueName('discord'),
    async (job: Job) => {
      const parsed = replyJobSchema.safeParse(job.data);
      if (!parsed.success || parsed.data.target.platform !== 'discord') throw new UnrecoverableError('invalid reply payload');
      const delivered = await deliver(job, parsed.data, parsed.data.target);
      deps.metrics.replyDelivered('discord', parsed.data);
      return delivered;
    },
    {
      connection: { url: deps.redisUrl, ...redisOptions('consumer') },
      prefix,
      concurrency: 8,
      // Required for worker.rateLimit() to take effect; Discord's global limit is 50 requests a second.
      limiter: { max: 40, duration: 1000 },
    },
  );
  worker.on('failed', (job, err) => {
    log.warn({ jobId: job?.id, err: err.message.slice(0, 200) }, 'reply delivery failed');
    if (job && (err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1))) deps.metrics.deliveryFailed('discord', deliveryFailureCode(err));
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'delivery worker error'));
  return worker;
}
