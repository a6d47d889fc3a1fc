import { replyJobSchema, replyQueueName } from '@parley/jobs';
import { redisOptions, type Logger } from '@parley/service-kit';
import type { WebClient } from '@slack/web-api';
import { ErrorCode } from '@slack/web-api';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { formatReply } from './format-reply.js';

/** Message metadata that marks Parley's reply to a request. */
const REPLY_EVENT = 'parley_reply';

/** The ts of this request's reply if an earlier attempt posted it, read from the thread's metadata. */
async function findPosted(client: WebClient, target: { channelId: string; threadTs: string }, requestId: string): Promise<string | undefined> {
  const page = await client.conversations.replies({ channel: target.channelId, ts: target.threadTs, include_all_metadata: true, limit: 200 });
  const mine = (page.messages ?? []).find((m) => {
    const meta = (m as { metadata?: { event_type?: string; event_payload?: { request_id?: string } } }).metadata;
    return meta?.event_type === REPLY_EVENT && meta.event_payload?.request_id === requestId;
  });
  return mine?.ts;
}

/** Slack errors that another attempt cannot fix. */
const PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'account_inactive', 'token_revoked', 'msg_too_long', 'no_text', 'missing_scope']);

/**
 * Posts finished replies into their Slack thread. It consumes the `replies-slack` queue, so a
 * reply produced while the bot was down is posted when it comes back. A Redis marker per reply
 * keeps a retried delivery from posting twice. `client` must not retry on its own: a post whose
 * answer was lost would be posted again; BullMQ's attempts retry instead. It must reject
 * rate-limited calls, so that a 429 pauses this queue for Slack's Retry-After.
 */
export function startSlackDelivery(opts: {
  client: WebClient;
  redis: Redis;
  redisUrl: string;
  prefix: string;
  log: Logger;
}): Worker {
  const worker = new Worker(
    replyQueueName('slack'),
    async (job: Job) => {
      const parsed = replyJobSchema.safeParse(job.data);
      if (!parsed.success || parsed.data.target.platform !== 'slack') throw new UnrecoverableError('invalid reply payload');
      const { target, outcome, requestId } = parsed.data;
      const marker = `${opts.prefix}:posted:${job.id}`;
      if (await opts.redis.exists(marker)) return { skipped: true };
      const text = formatReply(outcome, requestId);
      // A retry may follow a post whose answer was lost: find that post by its metadata and edit
      // it, so the thread never shows the reply twice.
      const earlier = job.attemptsMade > 0 && target.threadTs ? await findPosted(opts.client, { channelId: target.channelId, threadTs: target.threadTs }, requestId) : undefined;
      const send = earlier
        ? opts.client.chat.update({ channel: target.channelId, ts: earlier, text }).then(() => ({ ts: earlier }))
        : opts.client.chat.postMessage({
            channel: target.channelId,
            ...(target.threadTs && { thread_ts: target.threadTs }),
            text,
            unfurl_links: false,
            unfurl_media: false,
            metadata: { event_type: REPLY_EVENT, event_payload: { request_id: requestId } },
          });
      const res = await send.catch(async (err: { code?: string; retryAfter?: number; data?: { error?: string } }) => {
          if (err.code === ErrorCode.RateLimitedError) {
            // Slack said when to come back: pause this queue that long, and put the job back
            // without counting an attempt.
            opts.log.warn({ requestId, retryAfterSec: err.retryAfter }, 'slack rate-limited a reply');
            await worker.rateLimit((err.retryAfter ?? 1) * 1000);
            throw Worker.RateLimitError();
          }
          const code = err.data?.error;
          throw code && PERMANENT.has(code) ? new UnrecoverableError(`slack: ${code}`) : err;
        });
      await opts.redis.set(marker, res.ts ?? '1', 'EX', 7 * 24 * 3600);
      opts.log.info({ requestId, ok: outcome.ok, edited: Boolean(earlier) }, 'reply posted');
      return { ts: res.ts };
    },
    {
      connection: { url: opts.redisUrl, ...redisOptions('consumer') },
      prefix: opts.prefix,
      concurrency: 4,
      // Required for worker.rateLimit() to take effect; Slack allows about one post a second per channel.
      limiter: { max: 20, duration: 1000 },
    },
  );
  worker.on('failed', (job, err) => opts.log.warn({ jobId: job?.id, err: err.message.slice(0, 200) }, 'reply delivery failed'));
  worker.on('error', (err) => opts.log.error({ err: err.message }, 'delivery worker error'));
  return worker;
}
