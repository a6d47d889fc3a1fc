import { isCodedError } from '@parley/errors';
import { replyJobSchema, replyQueueName, type ProgressStage, type ReplyJob, type ReplyTarget } from '@parley/jobs';
import { redisOptions, type Logger } from '@parley/service-kit';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { PlatformMetrics } from './bot-metrics.js';
import type { ChatPlatform } from './chat-request.js';
import { FeedbackStore } from './feedback.js';
import type { StillStreaming } from './frozen-keys.js';
import { startProgressStream, streamKeys } from './progress-stream.js';

export type TargetOf<P extends ChatPlatform> = Extract<ReplyTarget, { platform: P }>;
export type ReplyFor<P extends ChatPlatform> = ReplyJob & { target: TargetOf<P> };

/** How long a posted part's marker is kept: as long as a reply job can be retried. */
const POSTED_TTL_SEC = 7 * 24 * 3600;

/** One delivery attempt of one reply, as a platform's `deliver` sees it. */
export interface DeliveryAttempt {
  /** 0 on the first attempt; more after a crash or a failed call. */
  readonly attemptsMade: number;
  /** What an earlier attempt recorded for a part (e.g. `0`, or `channel:1`): the message id it posted, or '1'. */
  posted(part: string): Promise<string | undefined>;
  /** Records that a part is out, so no later attempt posts it again. */
  markPosted(part: string, messageId: string | undefined): Promise<void>;
  /** Whether another bot instance streamed this request's partial text (it may still have an edit in flight). */
  streamedElsewhere(): Promise<boolean>;
}

/** What an adapter gives the reply consumer: how its platform shows partial text and posts the answer. */
export interface ReplyDelivery<P extends ChatPlatform> {
  /** Partial text as a worker generates it; lossy. Absent where the platform shows none. */
  stream?: {
    wants(target: TargetOf<P>): boolean;
    /** `live` says, when asked just before an edit goes out, whether the final reply has not started meanwhile. */
    show(requestId: string, target: TargetOf<P>, text: string, live: StillStreaming): void | Promise<void>;
    /** What the worker is doing before any text exists (reading, part 3 of 7), where the platform shows a status. */
    stage?(requestId: string, target: TargetOf<P>, stage: ProgressStage): void | Promise<void>;
  };
  /** Posts the answer or the failure. Throws `PlatformRateLimited` to wait, a permanent coded error to give up. */
  deliver(reply: ReplyFor<P>, attempt: DeliveryAttempt): Promise<{ parts: number }>;
  /** Replies delivered at once by one bot instance. */
  concurrency: number;
  /** The platform's overall posting rate; needed for `PlatformRateLimited` to pause the queue. */
  limiter?: { max: number; duration: number };
}

/** The platform answered "too many requests": the reply goes back to the queue for `retryAfterMs` without counting an attempt. */
export class PlatformRateLimited extends Error {
  override readonly name = 'PlatformRateLimited';
  constructor(
    readonly retryAfterMs: number,
    readonly method: string,
  ) {
    super(`rate-limited on ${method} for ${retryAfterMs} ms`);
  }
}

export interface ReplyConsumerDeps {
  redisUrl: string;
  redis: Redis;
  prefix: string;
  instanceId: string;
  log: Logger;
  metrics: PlatformMetrics;
}

/**
 * Consumes one platform's reply queue (`replies-<platform>`), so a reply produced while the bot
 * was down is delivered when it comes back, and streams workers' partial text to that platform.
 * Every reply first sets the request's final marker, so no streamed edit follows the answer; each
 * part a delivery posts is marked in Redis, so a retried reply posts no part twice.
 */
export function startReplyConsumer<P extends ChatPlatform>(platform: P, delivery: ReplyDelivery<P>, deps: ReplyConsumerDeps): { close(): Promise<void> } {
  const { redis, prefix, log } = deps;
  const ours = (target: ReplyTarget): target is TargetOf<P> => target.platform === platform;
  const feedback = new FeedbackStore(redis, prefix);

  const stream =
    delivery.stream &&
    startProgressStream({
      redisUrl: deps.redisUrl,
      redis,
      prefix,
      instanceId: deps.instanceId,
      log,
      wants: ({ target }) => ours(target) && delivery.stream!.wants(target),
      show: async ({ requestId, target, text, stage }) => {
        if (!ours(target)) return;
        if (stage) await delivery.stream!.stage?.(requestId, target, stage);
        if (!text.trim()) return;
        const live = async () => (await redis.exists(streamKeys.final(prefix, requestId))) === 0;
        await delivery.stream!.show(requestId, target, text, live);
      },
    });

  const attemptOf = (job: Job, requestId: string): DeliveryAttempt => {
    const marker = (part: string) => `${prefix}:posted:${job.id}:${part}`;
    return {
      attemptsMade: job.attemptsMade,
      posted: async (part) => (await redis.get(marker(part))) ?? undefined,
      markPosted: async (part, messageId) => {
        await redis.set(marker(part), messageId ?? '1', 'EX', POSTED_TTL_SEC);
      },
      streamedElsewhere: async () => {
        const owner = await redis.get(streamKeys.owner(prefix, requestId));
        return owner !== null && owner !== deps.instanceId;
      },
    };
  };

  const worker: Worker = new Worker(
    replyQueueName(platform),
    async (job: Job) => {
      const parsed = replyJobSchema.safeParse(job.data);
      if (!parsed.success || !ours(parsed.data.target)) throw new UnrecoverableError('invalid_payload');
      const reply = parsed.data as ReplyFor<P>;
      await redis.set(streamKeys.final(prefix, reply.requestId), '1', 'EX', 3600);
      // Before the answer is out, so a vote on it is never on an answer Parley does not know.
      await feedback.rememberAnswer(reply);
      try {
        const delivered = await delivery.deliver(reply, attemptOf(job, reply.requestId));
        deps.metrics.replyDelivered(platform, reply);
        return delivered;
      } catch (err) {
        if (err instanceof PlatformRateLimited) {
          deps.metrics.rateLimited(platform, err.method);
          log.warn({ requestId: reply.requestId, retryAfterMs: err.retryAfterMs, method: err.method }, `${platform} rate-limited a reply`);
          await worker.rateLimit(err.retryAfterMs);
          throw Worker.RateLimitError();
        }
        if (isCodedError(err) && err.permanent) throw new UnrecoverableError(err.code);
        throw err;
      }
    },
    {
      connection: { url: deps.redisUrl, ...redisOptions('consumer') },
      prefix,
      concurrency: delivery.concurrency,
      ...(delivery.limiter && { limiter: delivery.limiter }),
    },
  );
  worker.on('failed', (job, err) => {
    log.warn({ jobId: job?.id, err: err.message.slice(0, 200) }, 'reply delivery failed');
    const givenUp = err instanceof UnrecoverableError || (job !== undefined && job.attemptsMade >= (job.opts.attempts ?? 1));
    if (job && givenUp) deps.metrics.deliveryFailed(platform, err instanceof UnrecoverableError ? err.message : isCodedError(err) ? err.code : 'error');
  });
  worker.on('error', (err) => log.error({ err: err.message }, 'delivery worker error'));

  return {
    close: async () => {
      await worker.close();
      await stream?.close();
    },
  };
}
