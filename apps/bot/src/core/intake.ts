import { INFERENCE_QUEUE, JOB_RETENTION, requestJobSchema, type RequestJob } from '@parley/jobs';
import { connectRedis, redisOptions } from '@parley/service-kit';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { FairShare } from './fair-share.js';
import { RateLimiter, type LimitRule } from './rate-limit.js';
import { BotError } from './bot-error.js';
import type { ChannelScope } from './settings-store.js';

export interface IntakeLimits {
  perUserPerMinute: number;
  perChannelPerMinute: number;
  fairShareWindowSec: number;
  /** Requests waiting for a worker beyond which new ones are refused; unlimited when unset. */
  maxQueued?: number;
}

const UNAVAILABLE = "Parley can't take requests right now. Please try again in a minute.";

/**
 * Puts validated requests on the inference queue. The job id is the request id, so a request
 * delivered twice is queued once. Requests over a user's or channel's rate are refused with the
 * wait, and a channel's priority falls with its recent volume so one flood cannot starve others.
 */
export class Intake {
  private readonly queue: Queue;
  private readonly redis: Redis;
  private readonly fairShare: FairShare;
  private readonly limiter: RateLimiter;

  constructor(
    redisUrl: string,
    private readonly prefix: string,
    private readonly limits: IntakeLimits,
    onError: (err: Error) => void,
  ) {
    this.redis = connectRedis(redisUrl, 'producer');
    this.redis.on('error', onError);
    this.fairShare = new FairShare(this.redis, prefix, limits.fairShareWindowSec * 1000);
    this.limiter = new RateLimiter(this.redis, prefix);
    this.queue = new Queue(INFERENCE_QUEUE, {
      connection: { url: redisUrl, ...redisOptions('producer') },
      prefix,
      defaultJobOptions: {
        attempts: 3,
        backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
        ...JOB_RETENTION,
      },
    });
    this.queue.on('error', onError);
  }

  /**
   * Throws a BotError saying how long to wait when the user or channel is over its rate, or that
   * the queue is full. A redelivered request (same id) is let through without counting again.
   */
  async admit(scope: ChannelScope, userId: string, requestId: string): Promise<void> {
    const workspace = `${scope.platform}:${scope.workspace}`;
    const rules: LimitRule[] = [
      { key: `user:${workspace}:${userId}`, limit: this.limits.perUserPerMinute, windowSec: 60 },
      { key: `channel:${workspace}:${scope.channel}`, limit: this.limits.perChannelPerMinute, windowSec: 60 },
    ];
    let verdict;
    let waiting = 0;
    let full = false;
    try {
      const admitted = `${this.prefix}:admitted:${requestId}`;
      if (await this.redis.exists(admitted)) return;
      waiting = this.limits.maxQueued === undefined ? 0 : await this.waiting();
      full = waiting >= (this.limits.maxQueued ?? Infinity);
      // A refused request does not count against the user's rate.
      verdict = full ? undefined : await this.limiter.check(rules);
      if (verdict?.allowed) await this.redis.set(admitted, '1', 'EX', 600);
    } catch (err) {
      throw new BotError('QUEUE_UNAVAILABLE', UNAVAILABLE, { permanent: false, cause: err });
    }
    if (full || !verdict) {
      throw new BotError('QUEUE_FULL', `Parley is busy: ${waiting} requests are waiting for a model. Please try again in a few minutes.`, { permanent: false });
    }
    if (!verdict.allowed) {
      throw new BotError('RATE_LIMITED', `You're sending requests a bit fast. Try again in ${verdict.retryAfterSec} s.`, { permanent: false });
    }
  }

  /**
   * Adding an id that already exists is a no-op in BullMQ, which is what makes redelivery safe.
   * The channel's recent volume sets the priority. Returns how many queued requests are ahead of
   * this one (0 when it is next).
   */
  async submit(job: RequestJob, scope: ChannelScope): Promise<{ ahead: number }> {
    const data = requestJobSchema.parse(job);
    let priority: number;
    try {
      priority = await this.fairShare.priorityFor(`${scope.platform}:${scope.workspace}:${scope.channel}`, data.requestId);
      await this.queue.add(data.task, data, { jobId: data.requestId, priority });
    } catch (err) {
      throw new BotError('QUEUE_UNAVAILABLE', UNAVAILABLE, { permanent: false, cause: err });
    }
    return { ahead: await this.ahead(data.requestId, priority).catch(() => 0) };
  }

  /** Queued requests that run before one of this priority: every more urgent one, and earlier equals. */
  private async ahead(requestId: string, priority: number): Promise<number> {
    // A free worker may have taken it already; it is then not behind anything.
    if (!['waiting', 'prioritized', 'delayed'].includes(await this.queue.getJobState(requestId))) return 0;
    const priorities = Array.from({ length: Math.min(priority, 50) }, (_, i) => i + 1);
    const counts = await this.queue.getCountsPerPriority(priorities);
    const sameOrBetter = Object.values(counts).reduce((a, b) => a + b, 0);
    return Math.max(0, sameOrBetter - 1) + (await this.queue.getActiveCount());
  }

  /** Requests not yet taken by a worker. */
  private async waiting(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'prioritized', 'delayed');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  /** Resolves once the queue's Redis connection is up; producers fail fast rather than buffer. */
  async ready(): Promise<void> {
    await Promise.all([this.queue.waitUntilReady(), this.redis.status === 'ready' ? undefined : this.redis.connect()]);
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.redis.disconnect();
  }
}
