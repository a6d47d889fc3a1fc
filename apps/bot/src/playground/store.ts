import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { BotError } from '../core/bot-error.js';

/** Channel names: lowercase words joined by "-", as in Slack. */
export const channelIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and "-", at most 40');

export const playgroundMessageSchema = z.object({
  id: z.string(),
  channelId: z.string(),
  /** The top-level message this one replies to; absent for a top-level message. */
  threadId: z.string().optional(),
  author: z.string(),
  text: z.string(),
  isBot: z.boolean(),
  at: z.number(),
  /** Bot replies: the request they answer. */
  requestId: z.string().optional(),
  /** Bot replies: "waiting", "streaming", "done" or "failed". */
  state: z.enum(['waiting', 'streaming', 'done', 'failed']).optional(),
  /** Bot replies: task, model and settings, one line. */
  footer: z.string().optional(),
  /** Bot replies to a `private` request: only the requester would see them in Slack or Discord. */
  private: z.boolean().optional(),
  /** Bot answers that can be voted on with 👍/👎 (by their `requestId`); failures cannot. */
  votable: z.boolean().optional(),
});
export type PlaygroundMessage = z.infer<typeof playgroundMessageSchema>;

/** Most messages kept per channel; older ones are dropped. */
const MAX_PER_CHANNEL = 2000;

export function newMessageId(at = Date.now()): string {
  return `m${at.toString(36)}${randomBytes(4).toString('hex')}`;
}

/**
 * The playground's channels and threads, in Redis under the queue prefix: a sorted set of
 * channels, and per channel a list of message ids (oldest first) and a hash of the messages.
 * Redis rather than memory, so a reply a worker finishes while the bot restarts still lands in its
 * thread, and a bot restart keeps the conversation; `dropPrefix` cleans it up with the queues.
 */
export class PlaygroundStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(...parts: string[]): string {
    return [this.prefix, 'playground', ...parts].join(':');
  }

  async channels(): Promise<string[]> {
    return this.redis.zrange(this.key('channels'), 0, -1);
  }

  async addChannel(id: string, at = Date.now()): Promise<string> {
    const parsed = channelIdSchema.safeParse(id);
    if (!parsed.success) throw new BotError('BAD_CHANNEL', 'A channel name is lowercase letters, digits and "-", at most 40 characters.');
    await this.redis.zadd(this.key('channels'), 'NX', at, parsed.data);
    return parsed.data;
  }

  async hasChannel(id: string): Promise<boolean> {
    return (await this.redis.zscore(this.key('channels'), id)) !== null;
  }

  async add(message: PlaygroundMessage): Promise<void> {
    const ids = this.key('ids', message.channelId);
    const all = this.key('messages', message.channelId);
    await this.redis.multi().hset(all, message.id, JSON.stringify(message)).rpush(ids, message.id).exec();
    const excess = (await this.redis.llen(ids)) - MAX_PER_CHANNEL;
    if (excess > 0) {
      const dropped = await this.redis.lrange(ids, 0, excess - 1);
      await this.redis.multi().ltrim(ids, excess, -1).hdel(all, ...dropped).exec();
    }
  }

  /** Replaces a stored message (a reply's text as it streams and when it is final). */
  async update(message: PlaygroundMessage): Promise<void> {
    await this.redis.hset(this.key('messages', message.channelId), message.id, JSON.stringify(message));
  }

  async get(channelId: string, id: string): Promise<PlaygroundMessage | undefined> {
    const raw = await this.redis.hget(this.key('messages', channelId), id);
    return raw === null ? undefined : playgroundMessageSchema.parse(JSON.parse(raw));
  }

  /** Every message of a channel, oldest first; thread replies included (they carry `threadId`). */
  async messages(channelId: string): Promise<PlaygroundMessage[]> {
    const ids = await this.redis.lrange(this.key('ids', channelId), 0, -1);
    if (!ids.length) return [];
    const raw = await this.redis.hmget(this.key('messages', channelId), ...ids);
    return raw.flatMap((r) => (r === null ? [] : [playgroundMessageSchema.parse(JSON.parse(r))]));
  }

  /** Which bot message answers a request. */
  async placeholderFor(requestId: string): Promise<{ channelId: string; id: string } | undefined> {
    const raw = await this.redis.get(this.key('request', requestId));
    return raw === null ? undefined : (JSON.parse(raw) as { channelId: string; id: string });
  }

  /**
   * Claims a page's id for a message it sends, so a resend (the page retrying after a lost
   * answer) is recognised: the first sender gets `undefined`, a resend the id of the message the
   * first one made.
   */
  async claimSend(clientId: string, messageId: string): Promise<string | undefined> {
    const key = this.key('sent', clientId);
    if ((await this.redis.set(key, messageId, 'EX', 3600, 'NX')) === 'OK') return undefined;
    return (await this.redis.get(key)) ?? undefined;
  }

  /** The bot's reply to a message, once it has one (a placeholder, an answer or a refusal). */
  async replyTo(messageId: string): Promise<{ channelId: string; id: string } | undefined> {
    const raw = await this.redis.get(this.key('reply', messageId));
    return raw === null ? undefined : (JSON.parse(raw) as { channelId: string; id: string });
  }

  async setReplyTo(messageId: string, ref: { channelId: string; id: string }): Promise<void> {
    await this.redis.set(this.key('reply', messageId), JSON.stringify(ref), 'EX', 3600);
  }

  async setPlaceholder(requestId: string, ref: { channelId: string; id: string }): Promise<void> {
    await this.redis.set(this.key('request', requestId), JSON.stringify(ref), 'EX', 7 * 24 * 3600);
  }
}
