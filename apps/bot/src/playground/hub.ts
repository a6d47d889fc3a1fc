import type { Logger } from '@parley/service-kit';
import type { Redis } from 'ioredis';
import type { ServerResponse } from 'node:http';
import type { PlaygroundMessage } from './store.js';

/**
 * The open server-sent event streams of each channel. Every new or changed message is published
 * on one Redis pub/sub channel under the queue prefix and every bot instance forwards it to its
 * own open pages, so a page sees a reply whichever bot delivered it or streamed its text.
 */
export class EventHub {
  private readonly streams = new Map<string, Set<ServerResponse>>();
  private readonly heartbeat: NodeJS.Timeout;
  private readonly topic: string;

  private constructor(
    private readonly pub: Redis,
    private readonly sub: Redis,
    prefix: string,
    private readonly log: Logger,
  ) {
    this.topic = `${prefix}:playground:events`;
    // A comment line now and then keeps proxies from closing an idle stream.
    this.heartbeat = setInterval(() => this.each((res) => res.write(': ping\n\n')), 15_000);
    this.heartbeat.unref();
    sub.on('message', (topic: string, data: string) => {
      if (topic === this.topic) this.fanOut(data);
    });
  }

  /** Resolves once subscribed. `sub` becomes a subscriber connection: give it one of its own. */
  static async start(pub: Redis, sub: Redis, prefix: string, log: Logger): Promise<EventHub> {
    const hub = new EventHub(pub, sub, prefix, log);
    await sub.subscribe(hub.topic);
    return hub;
  }

  private each(fn: (res: ServerResponse) => void): void {
    for (const set of this.streams.values()) for (const res of set) fn(res);
  }

  private fanOut(data: string): void {
    let channelId: unknown;
    try {
      channelId = (JSON.parse(data) as { channelId?: unknown }).channelId;
    } catch {
      return;
    }
    if (typeof channelId !== 'string') return;
    const payload = `event: message\ndata: ${data}\n\n`;
    for (const res of this.streams.get(channelId) ?? []) res.write(payload);
  }

  open(channelId: string, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    let set = this.streams.get(channelId);
    if (!set) this.streams.set(channelId, (set = new Set()));
    set.add(res);
    res.on('close', () => set.delete(res));
  }

  /** A message to show: new, or a newer version of one already shown (same id). Lossy: the store has the truth. */
  publish(message: PlaygroundMessage): void {
    this.pub.publish(this.topic, JSON.stringify(message)).catch((err: Error) => this.log.warn({ err: err.message }, 'playground event not published'));
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.each((res) => res.end());
    this.streams.clear();
    this.sub.disconnect();
  }
}
