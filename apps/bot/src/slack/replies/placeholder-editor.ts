import type { Logger } from '@parley/service-kit';
import { ErrorCode, type WebClient } from '@slack/web-api';
import type { PlatformMetrics } from '../../core/bot-metrics.js';
import { FrozenKeys, type StillStreaming } from '../../core/frozen-keys.js';

interface Pending {
  channel: string;
  text: string;
  live: StillStreaming | undefined;
}

/** One workspace's edits: chat.update's rate limit is per workspace. */
interface Lane {
  pending: Map<string, Pending>;
  nextAt: number;
  timer: NodeJS.Timeout | undefined;
}

/** How long a frozen message is remembered; far longer than any edit can be in flight. */
const FROZEN_TTL_MS = 10 * 60_000;

/**
 * Edits placeholder messages (queue position, streamed text) no faster than chat.update's Tier 3
 * limit allows, per workspace. Only the newest text of a message is sent; messages waiting in
 * the same workspace take turns. `freeze` ends a message's edits before its final reply, so a
 * late streamed edit can never overwrite the result.
 */
export class PlaceholderEditor {
  private readonly lanes = new Map<string, Lane>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly frozen = new FrozenKeys(FROZEN_TTL_MS);
  private readonly intervalMs: number;
  private closed = false;

  constructor(
    /** Must reject rate-limited calls and not retry: a stale edit retried later is worse than a skipped one. */
    private readonly client: WebClient,
    opts: { updatesPerMinute: number; log: Logger; metrics: PlatformMetrics },
    private readonly log = opts.log,
    private readonly metrics = opts.metrics,
  ) {
    this.intervalMs = Math.ceil(60_000 / opts.updatesPerMinute);
  }

  /**
   * Queues `text` as the message's next content, replacing any text not yet sent. `live` is asked
   * just before the edit goes out, since it may wait its turn for a while: another bot instance
   * may have started the final reply meanwhile.
   */
  show(teamId: string, channel: string, ts: string, text: string, live?: StillStreaming): void {
    if (this.closed || this.frozen.has(ts)) return;
    let lane = this.lanes.get(teamId);
    if (!lane) this.lanes.set(teamId, (lane = { pending: new Map(), nextAt: 0, timer: undefined }));
    lane.pending.set(ts, { channel, text, live });
    this.schedule(lane);
  }

  /** No more edits of this message; resolves once an edit already sent has been answered. */
  async freeze(ts: string): Promise<void> {
    this.frozen.freeze(ts);
    for (const lane of this.lanes.values()) lane.pending.delete(ts);
    await this.inFlight.get(ts);
  }

  close(): void {
    this.closed = true;
    for (const lane of this.lanes.values()) clearTimeout(lane.timer);
    this.lanes.clear();
  }

  private schedule(lane: Lane): void {
    if (lane.timer || lane.pending.size === 0) return;
    lane.timer = setTimeout(() => this.sendNext(lane), Math.max(0, lane.nextAt - Date.now()));
  }

  private sendNext(lane: Lane): void {
    lane.timer = undefined;
    // Two edits of one message in flight at once could land out of order.
    const next = [...lane.pending.entries()].find(([ts]) => !this.inFlight.has(ts));
    if (!next) return;
    const [ts, pending] = next;
    const { channel, text, live } = pending;
    lane.pending.delete(ts);
    lane.nextAt = Date.now() + this.intervalMs;
    const sent = (live ? live() : Promise.resolve(true))
      .then(async (stillLive) => {
        if (stillLive && !this.frozen.has(ts)) await this.client.chat.update({ channel, ts, text });
      })
      .catch((err: { code?: string; retryAfter?: number; data?: { error?: string } }) => {
        if (err.code === ErrorCode.RateLimitedError) {
          this.metrics.rateLimited('slack', 'chat.update');
          lane.nextAt = Math.max(lane.nextAt, Date.now() + (err.retryAfter ?? 1) * 1000);
          // Still worth showing unless newer text or the final reply came meanwhile.
          if (!lane.pending.has(ts) && !this.frozen.has(ts)) lane.pending.set(ts, pending);
        } else {
          this.log.warn({ channel, ts, err: err.data?.error ?? err.code }, 'placeholder edit failed');
          if (err.data?.error === 'message_not_found') this.frozen.freeze(ts);
        }
      })
      .finally(() => {
        if (this.inFlight.get(ts) === sent) this.inFlight.delete(ts);
        this.schedule(lane);
      });
    this.inFlight.set(ts, sent);
  }
}
