import type { Redis } from 'ioredis';

/** BullMQ's highest priority number (lowest urgency). */
const MAX_PRIORITY = 2_097_151;

/**
 * Fairness between channels on BullMQ's open-source edition (which has no groups): a request's
 * priority is its rank among the requests its channel made in a sliding window. A channel that
 * floods the queue gets priorities 1, 2, 3…; another channel's first request gets 1 and so runs
 * right after the job in progress, whatever the backlog.
 */
export class FairShare {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly windowMs: number,
  ) {}

  async priorityFor(channelKey: string, requestId: string): Promise<number> {
    const key = `${this.prefix}:fair:${channelKey}`;
    const now = Date.now();
    const result = await this.redis
      .multi()
      .zremrangebyscore(key, '-inf', now - this.windowMs)
      // NX: a redelivered request keeps its first place instead of taking a new one.
      .zadd(key, 'NX', now, requestId)
      .zrank(key, requestId)
      .pexpire(key, this.windowMs)
      .exec();
    const rank = result?.[2]?.[1];
    return Math.min(MAX_PRIORITY, (typeof rank === 'number' ? rank : 0) + 1);
  }
}
