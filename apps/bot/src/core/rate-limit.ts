import type { Redis } from 'ioredis';

export interface LimitRule {
  /** What is limited, e.g. `user:T1:U1`. */
  key: string;
  limit: number;
  windowSec: number;
}

/**
 * Fixed-window request limits in Redis, shared by every bot replica. Returns how long to wait
 * when any rule is exceeded, so the user can be told "try again in N s".
 */
export class RateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async check(rules: readonly LimitRule[]): Promise<{ allowed: true } | { allowed: false; retryAfterSec: number }> {
    const multi = this.redis.multi();
    for (const r of rules) {
      const key = `${this.prefix}:rate:${r.key}`;
      multi.incr(key).pexpire(key, r.windowSec * 1000, 'NX').pttl(key);
    }
    const out = (await multi.exec()) ?? [];
    let wait = 0;
    rules.forEach((r, i) => {
      const count = Number(out[i * 3]?.[1] ?? 0);
      const ttl = Number(out[i * 3 + 2]?.[1] ?? 0);
      if (count > r.limit) wait = Math.max(wait, Math.ceil(Math.max(ttl, 0) / 1000));
    });
    return wait > 0 ? { allowed: false, retryAfterSec: Math.max(1, wait) } : { allowed: true };
  }
}
