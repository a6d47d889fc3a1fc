import type { Logger } from '@parley/service-kit';
import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';

/** A placeholder is being posted. */
const PENDING = 'pending';
/** No placeholder will be used: its post failed, or the answer came first. */
const NONE = 'none';
/** As long as a reply can wait for a bot that is down. */
const TTL_SEC = 7 * 24 * 3600;
const WAIT_MS = 3000;

/**
 * The message a request's answer will replace ("Summarizing 42 messages… (you're #3 in the
 * queue)"), posted once the request is queued and kept in Redis by request id, where streaming
 * and delivery find it. One key decides between the two writers: a request delivered twice (a
 * Slack retry) posts one placeholder, and an answer that arrives before its placeholder is
 * posted claims the key, so no placeholder appears after the answer.
 */
export class Placeholders {
  /** Placeholders already posted, by request id: a ts never changes, and streaming asks for it every edit. */
  private readonly known = new Map<string, string>();

  constructor(
    /** Must not retry by itself: a post whose answer was lost would be posted twice. */
    private readonly client: WebClient,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  private key(requestId: string): string {
    return `${this.prefix}:placeholder:${requestId}`;
  }

  /** Posts the placeholder unless another delivery of the request or its answer came first; its ts, or undefined. */
  async post(requestId: string, where: { channelId: string; threadTs?: string | undefined }, text: string): Promise<string | undefined> {
    const key = this.key(requestId);
    try {
      if ((await this.redis.set(key, PENDING, 'EX', TTL_SEC, 'NX')) !== 'OK') return await this.settled(key);
      const res = await this.client.chat
        .postMessage({ channel: where.channelId, ...(where.threadTs && { thread_ts: where.threadTs }), text, unfurl_links: false, unfurl_media: false })
        .catch(async (err: unknown) => {
          await this.redis.set(key, NONE, 'EX', TTL_SEC);
          throw err;
        });
      await this.redis.set(key, res.ts ?? NONE, 'EX', TTL_SEC);
      return res.ts;
    } catch (err) {
      const e = err as { data?: { error?: string }; code?: string; message?: string };
      this.log.warn({ requestId, err: e.data?.error ?? e.code ?? e.message }, 'placeholder not posted');
      return undefined;
    }
  }

  /** The placeholder the answer should replace, or undefined to post the answer as a new message. */
  async forAnswer(requestId: string): Promise<string | undefined> {
    const key = this.key(requestId);
    if ((await this.redis.set(key, NONE, 'EX', TTL_SEC, 'NX')) === 'OK') return undefined;
    return this.settled(key);
  }

  /** The placeholder's ts if one is or was being posted, waiting briefly while the post is under way. */
  async find(requestId: string): Promise<string | undefined> {
    const cached = this.known.get(requestId);
    if (cached) return cached;
    const value = await this.redis.get(this.key(requestId));
    if (!value || value === PENDING || value === NONE) return undefined;
    this.known.set(requestId, value);
    if (this.known.size > 10_000) this.known.delete(this.known.keys().next().value!);
    return value;
  }

  private async settled(key: string): Promise<string | undefined> {
    const until = Date.now() + WAIT_MS;
    for (;;) {
      const value = await this.redis.get(key);
      if (value !== PENDING) return value && value !== NONE ? value : undefined;
      if (Date.now() > until) return undefined;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}
