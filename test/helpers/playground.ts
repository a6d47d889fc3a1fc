import { INFERENCE_QUEUE, type RequestJob } from '@parley/jobs';
import { Queue } from 'bullmq';
import { REDIS_URL } from './redis.js';

export interface PlaygroundMessage {
  id: string;
  channelId: string;
  threadId?: string;
  author: string;
  text: string;
  isBot: boolean;
  requestId?: string;
  state?: 'waiting' | 'streaming' | 'done' | 'failed';
  footer?: string;
  private?: boolean;
  votable?: boolean;
}

/** A channel's server-sent event stream, read as it arrives: every message event, in order. */
export class EventStream {
  readonly events: PlaygroundMessage[] = [];
  readonly done: Promise<void>;

  private constructor(
    res: Response,
    private readonly abort: AbortController,
  ) {
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffered = '';
    this.done = (async () => {
      for (;;) {
        const { value, done } = await reader.read().catch(() => ({ value: undefined, done: true as const }));
        if (done) return;
        buffered += value;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) !== -1) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event = /^event: (.*)$/m.exec(block)?.[1];
          const data = /^data: (.*)$/m.exec(block)?.[1];
          if (event === 'message' && data) this.events.push(JSON.parse(data) as PlaygroundMessage);
        }
      }
    })();
  }

  static async open(url: string): Promise<EventStream> {
    const abort = new AbortController();
    const res = await fetch(url, { signal: abort.signal });
    if (res.status !== 200 || !res.headers.get('content-type')?.startsWith('text/event-stream')) throw new Error(`no event stream at ${url}: ${res.status}`);
    return new EventStream(res, abort);
  }

  /** Waits for the first event (from index `from`) that `match` accepts. */
  async waitFor(match: (m: PlaygroundMessage) => boolean, timeoutMs = 60_000, what = 'an event', from = 0): Promise<PlaygroundMessage> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const found = this.events.slice(from).find(match);
      if (found) return found;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`no ${what} within ${timeoutMs} ms; saw ${this.events.length} events`);
  }

  close(): void {
    this.abort.abort();
  }
}

export async function postJson(url: string, body: unknown, method = 'POST'): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The inference job a request queued, as the worker received it. */
export async function queuedJob(prefix: string, requestId: string): Promise<RequestJob> {
  const queue = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
  try {
    const job = await queue.getJob(requestId);
    if (!job) throw new Error(`no job ${requestId}`);
    return job.data as RequestJob;
  } finally {
    await queue.close();
  }
}
