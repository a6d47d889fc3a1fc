import { replyJobSchema, replyQueueName, type ReplyJob, type SlackTarget } from '@parley/jobs';
import { redisOptions, type Logger } from '@parley/service-kit';
import type { PlatformMetrics } from '../core/bot-metrics.js';
import type { WebClient } from '@slack/web-api';
import { ErrorCode } from '@slack/web-api';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { failureText, replyBody, replyFooter } from './format-reply.js';
import type { Permalinks } from './permalinks.js';
import type { PlaceholderEditor } from './placeholder-editor.js';
import type { Placeholders } from './placeholders.js';
import { toMessages, type SlackMessageBody } from './reply-blocks.js';
import { streamKeys } from './reply-stream.js';

/** Message metadata that marks Parley's reply to a request, and which part of it. */
const REPLY_EVENT = 'parley_reply';

/** Slack errors that another attempt cannot fix. */
const PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'invalid_auth', 'account_inactive', 'token_revoked', 'msg_too_long', 'no_text', 'missing_scope', 'invalid_blocks']);

/** How long after its final edit a reply is edited again when another bot instance streamed it; see `deliver`. */
const RESTREAM_GUARD_MS = 2500;

type SlackError = { code?: string; retryAfter?: number; data?: { error?: string } };

export interface DeliveryDeps {
  /** Must not retry on its own and must reject rate-limited calls; see `startSlackDelivery`. */
  client: WebClient;
  redis: Redis;
  redisUrl: string;
  prefix: string;
  instanceId: string;
  editor: PlaceholderEditor;
  placeholders: Placeholders;
  permalinks: Permalinks;
  log: Logger;
  metrics: PlatformMetrics;
}

/** A short code for a delivery that failed for good: Slack's error, or what went wrong before Slack. */
function deliveryFailureCode(err: Error): string {
  const slack = (err as SlackError).data?.error ?? /^slack: (\w+)$/.exec(err.message)?.[1];
  if (slack) return slack;
  return err.message === 'invalid reply payload' ? 'invalid_payload' : ((err as SlackError).code ?? 'error');
}

/** The messages a reply is posted as: Block Kit sections, split at Slack's limits. */
async function render(reply: ReplyJob, target: SlackTarget, permalinks: Permalinks): Promise<SlackMessageBody[]> {
  const { outcome } = reply;
  if (!outcome.ok) return toMessages(failureText(outcome, reply.requestId));
  const cited = outcome.details?.kind === 'summary' ? outcome.details.sections.flatMap((s) => s.points.flatMap((p) => p.messageIds)) : [];
  const links = cited.length ? await permalinks.forMessages(target.channelId, cited) : new Map<string, string>();
  return toMessages(replyBody(outcome, links), replyFooter(outcome));
}

/** The ts of a part of this request's reply that an earlier attempt posted, found by its metadata. */
async function findPosted(client: WebClient, channel: string, threadTs: string, requestId: string, part: number): Promise<string | undefined> {
  const page = await client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 });
  const mine = (page.messages ?? []).find((m) => {
    const meta = (m as { metadata?: { event_type?: string; event_payload?: { request_id?: string; part?: number } } }).metadata;
    return meta?.event_type === REPLY_EVENT && meta.event_payload?.request_id === requestId && (meta.event_payload.part ?? 0) === part;
  });
  return mine?.ts;
}

/**
 * Posts finished replies. It consumes the `replies-slack` queue, so a reply produced while the
 * bot was down is posted when it comes back. The first part of a reply replaces the request's
 * placeholder; further parts follow in the thread. Each part that is out gets a Redis marker, so
 * a retried job never posts a part twice; a post whose answer was lost is found by its metadata
 * and edited instead.
 */
export function startSlackDelivery(deps: DeliveryDeps): Worker {
  const { client, redis, prefix, log } = deps;

  const send = async (method: string, call: () => Promise<{ ts?: string | undefined }>): Promise<{ ts?: string | undefined }> =>
    call().catch(async (err: SlackError) => {
      if (err.code === ErrorCode.RateLimitedError) {
        deps.metrics.rateLimited('slack', method);
        // Slack said when to come back: pause this queue that long, and put the job back
        // without counting an attempt.
        log.warn({ retryAfterSec: err.retryAfter }, 'slack rate-limited a reply');
        await worker.rateLimit((err.retryAfter ?? 1) * 1000);
        throw Worker.RateLimitError();
      }
      const code = err.data?.error;
      throw code && PERMANENT.has(code) ? new UnrecoverableError(`slack: ${code}`) : err;
    });

  const deliver = async (job: Job, reply: ReplyJob, target: SlackTarget): Promise<{ parts: number }> => {
    const { requestId } = reply;
    const parts = await render(reply, target, deps.permalinks);
    const marker = (i: number) => `${prefix}:posted:${job.id}:${i}`;
    const metadata = (i: number) => ({ event_type: REPLY_EVENT, event_payload: { request_id: requestId, part: i } });
    let edited = false;
    const placeholderTs = target.private ? undefined : await deps.placeholders.forAnswer(requestId);
    if (placeholderTs) {
      await redis.set(streamKeys.final(prefix, requestId), '1', 'EX', 3600);
      await deps.editor.freeze(placeholderTs);
    }
    for (const [i, part] of parts.entries()) {
      if (await redis.exists(marker(i))) continue;
      let ts: string | undefined;
      if (target.private) {
        await send('chat.postEphemeral', () =>
          client.chat
            .postEphemeral({ channel: target.channelId, user: target.userId, ...(target.threadTs && { thread_ts: target.threadTs }), ...part })
            .then(() => ({})),
        );
      } else if (i === 0 && placeholderTs) {
        const placeholder = placeholderTs;
        ts = await send('chat.update', () => client.chat.update({ channel: target.channelId, ts: placeholder, ...part, metadata: metadata(0) }))
          .then(() => placeholder)
          .catch((err: unknown) => {
            // Someone deleted the placeholder: the answer still gets posted.
            if (err instanceof UnrecoverableError || (err as SlackError).data?.error !== 'message_not_found') throw err;
            return undefined;
          });
      }
      if (!target.private && !ts) {
        // A part after the first goes under the first: in its thread, or the placeholder's.
        const threadTs = target.threadTs ?? placeholderTs ?? (i > 0 ? ((await redis.get(marker(0))) ?? undefined) : undefined);
        const earlier = job.attemptsMade > 0 && threadTs ? await findPosted(client, target.channelId, threadTs, requestId, i) : undefined;
        if (earlier) {
          edited = true;
          await send('chat.update', () => client.chat.update({ channel: target.channelId, ts: earlier, ...part }));
          ts = earlier;
        } else {
          const res = await send('chat.postMessage', () =>
            client.chat.postMessage({
              channel: target.channelId,
              ...(threadTs && { thread_ts: threadTs }),
              ...part,
              unfurl_links: false,
              unfurl_media: false,
              metadata: metadata(i),
            }),
          );
          ts = res.ts;
        }
      }
      await redis.set(marker(i), ts ?? '1', 'EX', 7 * 24 * 3600);
    }
    if (placeholderTs) await guardAgainstOtherStreamer(reply, target, placeholderTs, parts[0]!);
    log.info({ requestId, ok: reply.outcome.ok, parts: parts.length, edited, private: Boolean(target.private) }, 'reply posted');
    return { parts: parts.length };
  };

  /**
   * Another bot instance that streamed this request may have had an edit in flight when the
   * final reply went out; its edits stop at the final marker, so editing once more after they
   * could have landed leaves the answer in place.
   */
  const guardAgainstOtherStreamer = async (reply: ReplyJob, target: SlackTarget, placeholderTs: string, first: SlackMessageBody): Promise<void> => {
    const owner = await redis.get(streamKeys.owner(prefix, reply.requestId));
    if (!owner || owner === deps.instanceId) return;
    await new Promise((r) => setTimeout(r, RESTREAM_GUARD_MS));
    await client.chat.update({ channel: target.channelId, ts: placeholderTs, ...first }).catch(() => {});
  };

  const worker: Worker = new Worker(
    replyQueueName('slack'),
    async (job: Job) => {
      const parsed = replyJobSchema.safeParse(job.data);
      if (!parsed.success || parsed.data.target.platform !== 'slack') throw new UnrecoverableError('invalid reply payload');
      const delivered = await deliver(job, parsed.data, parsed.data.target);
      deps.metrics.replyDelivered('slack', parsed.data);
      return delivered;
    },
    {
      connection: { url: deps.redisUrl, ...redisOptions('consumer') },
      prefix,
      concurrency: 4,
      // Required for worker.rateLimit() to take effect; Slack allows about one post a second per channel.
      limiter: { max: 20, duration: 1000 },
    },
  );
  worker.on('failed', (job, err) => {
    log.warn({ jobId: job?.id, err: err.message.slice(0, 200) }, 'reply delivery failed');
    if (job && (err instanceof UnrecoverableError || job.attemptsMade >= (job.opts.attempts ?? 1))) deps.metrics.deliveryFailed('slack', deliveryFailureCode(err));
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'delivery worker error'));
  return worker;
}
