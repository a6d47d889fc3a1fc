import type { ServerResponse } from 'node:http';
import type { PlaygroundMessage } from './store.js';

/** The open server-sent event streams of each channel: every new or changed message goes to all of them. */
export class EventHub {
  private readonly streams = new Map<string, Set<ServerResponse>>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    // A comment line now and then keeps proxies from closing an idle stream.
    this.heartbeat = setInterval(() => this.each((res) => res.write(': ping\n\n')), 15_000);
    this.heartbeat.unref();
  }

  private each(fn: (res: ServerResponse) => void): void {
    for (const set of this.streams.values()) for (const res of set) fn(res);
  }

  open(channelId: string, res: ServerResponse): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    res.write('retry: 1000\n\n');
    let set = this.streams.get(channelId);
    if (!set) this.streams.set(channelId, (set = new Set()));
    set.add(res);
    res.on('close', () => set.delete(res));
  }

  /** A message to show: new, or a newer version of one already shown (same id). */
  publish(message: PlaygroundMessage): void {
    const payload = `event: message\ndata: ${JSON.stringify(message)}\n\n`;
    for (const res of this.streams.get(message.channelId) ?? []) res.write(payload);
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.each((res) => res.end());
    this.streams.clear();
  }
}
