import type { Redis } from 'ioredis';
import { randomUUID } from 'node:crypto';

/**
 * KEYS[1] the calls of the last minute (a sorted set scored by time), KEYS[2] a pause after a 429.
 * ARGV[1] the per-minute limit, ARGV[2] a unique member. Returns 0 when the call was counted, else
 * the milliseconds until one would fit. Redis's own clock, so bots on several machines agree.
 */
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local paused = redis.call('PTTL', KEYS[2])
if paused > 0 then return paused end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - 60000)
local limit = tonumber(ARGV[1])
local n = redis.call('ZCARD', KEYS[1])
if n < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[2])
  redis.call('PEXPIRE', KEYS[1], 60000)
  return 0
end
local oldest = redis.call('ZRANGE', KEYS[1], n - limit, n - limit, 'WITHSCORES')
return math.max(1, tonumber(oldest[2]) + 60000 - now)
`;

/**
 * A Slack method's per-workspace rate limit as a rolling minute, kept in Redis so that every bot
 * instance serving a workspace shares one budget: at most `perMinute` calls in any 60 s. Unlike
 * evenly spaced calls it lets a burst through at once (a stream's first appends), and it still
 * never exceeds the tier; a 429 pauses the workspace, for every bot, as long as Slack says.
 */
export class WorkspaceBudget {
  private readonly instance = randomUUID();
  private seq = 0;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly method: string,
    private readonly perMinute: number,
  ) {}

  private keys(team: string): [string, string] {
    const base = `${this.prefix}:slack-budget:${this.method}:${team}`;
    return [base, `${base}:paused`];
  }

  /** Counts a call if it fits now (0), else resolves how many milliseconds until one would. */
  async take(team: string): Promise<number> {
    const member = `${this.instance}-${++this.seq}`;
    return Number(await this.redis.eval(TAKE, 2, ...this.keys(team), String(this.perMinute), member));
  }

  /** Slack answered 429 with Retry-After. */
  async pause(team: string, ms: number): Promise<void> {
    await this.redis.set(this.keys(team)[1], '1', 'PX', Math.max(1, Math.round(ms)));
  }
}
