import type { Logger } from '@parley/service-kit';
import type { WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';

const PENDING = 'pending';

/**
 * Posts the message a request's answer will replace ("Summarizing 42 messages…"). A request
 * delivered twice (a Slack retry, a duplicate envelope) must show one placeholder, so the first
 * delivery claims it in Redis; a later one reuses its ts.
 */
export class Placeholders {
  constructor(
    /** Must not retry by itself: a post whose answer was lost would be posted twice. */
    private readonly client: WebClient,
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly log: Logger,
  ) {}

  /** The placeholder's ts, or undefined when there is none; the answer is then posted as a new message. */
  async post(requestId: string, where: { channelId: string; threadTs?: string | undefined }, text: string): Promise<string | undefined> {
    const key = `${this.prefix}:placeholder:${requestId}`;
    try {
      if ((await this.redis.set(key, PENDING, 'EX', 3600, 'NX')) !== 'OK') return await this.earlier(key);
      const res = await this.client.chat.postMessage({
        channel: where.channelId,
        ...(where.threadTs && { thread_ts: where.threadTs }),
        text,
        unfurl_links: false,
        unfurl_media: false,
      });
      if (!res.ts) return undefined;
      await this.redis.set(key, res.ts, 'EX', 3600);
      return res.ts;
    } catch (err) {
      const code = (err as { data?: { error?: string }; code?: string }).data?.error ?? (err as { code?: string }).code;
      this.log.warn({ requestId, err: code }, 'placeholder not posted');
      return undefined;
    }
  }

  /** The ts an earlier delivery of the request posted, waiting briefly while its post is under way. */
  private async earlier(key: string): Promise<string | undefined> {
    for (let i = 0; i < 20; i++) {
      const value = await this.redis.get(key);
      if (value && value !== PENDING) return value;
      if (!value) return undefined;
      await new Promise((r) => setTimeout(r, 100));
    }
    return undefined;
  }
}
