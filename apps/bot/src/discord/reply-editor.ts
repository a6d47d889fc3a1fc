import type { Logger } from '@parley/service-kit';
import { RateLimitError, type REST } from 'discord.js';
import { FrozenKeys, type StillStreaming } from '../core/frozen-keys.js';
import { NO_PINGS } from './no-pings.js';
import { editRoute, handleKey, tokenUsable, type ReplyHandle } from './reply-handle.js';

interface Slot {
  handle: ReplyHandle;
  text: string | undefined;
  live: StillStreaming | undefined;
  nextAt: number;
  timer: NodeJS.Timeout | undefined;
  inFlight: Promise<void> | undefined;
}

const FROZEN_TTL_MS = 20 * 60_000;

/**
 * Edits a reply (streamed text, queue position) at most once per interval per reply. Only the
 * newest text is sent; an edit never overtakes one in flight. `freeze` ends a reply's edits
 * before its final text goes out, so a late streamed edit cannot overwrite the answer.
 */
export class ReplyEditor {
  private readonly slots = new Map<string, Slot>();
  private readonly frozen: FrozenKeys;
  private closed = false;

  constructor(
    /** No retries and rejecting rate limits: a stale edit retried later is worse than a skipped one. */
    private readonly rest: REST,
    private readonly opts: { intervalMs: number; tokenLifetimeMs: number; log: Logger; now?: () => number },
  ) {
    this.frozen = new FrozenKeys(FROZEN_TTL_MS, () => this.now());
  }

  private now(): number {
    return this.opts.now?.() ?? Date.now();
  }

  /** Queues `text` as the reply's next content; `live` is asked just before it goes out (the final reply may have started meanwhile). */
  show(handle: ReplyHandle, text: string, live?: StillStreaming): void {
    const key = handleKey(handle);
    if (this.closed || this.frozen.has(key)) return;
    let slot = this.slots.get(key);
    if (!slot) this.slots.set(key, (slot = { handle, text: undefined, live: undefined, nextAt: 0, timer: undefined, inFlight: undefined }));
    slot.text = text;
    slot.live = live;
    this.schedule(key, slot);
  }

  async freeze(handle: ReplyHandle): Promise<void> {
    const key = handleKey(handle);
    this.frozen.freeze(key);
    const slot = this.slots.get(key);
    if (!slot) return;
    clearTimeout(slot.timer);
    this.slots.delete(key);
    await slot.inFlight;
  }

  close(): void {
    this.closed = true;
    for (const slot of this.slots.values()) clearTimeout(slot.timer);
    this.slots.clear();
  }

  private schedule(key: string, slot: Slot): void {
    if (slot.timer || slot.inFlight || slot.text === undefined) return;
    slot.timer = setTimeout(() => this.send(key, slot), Math.max(0, slot.nextAt - this.now()));
  }

  private send(key: string, slot: Slot): void {
    slot.timer = undefined;
    const text = slot.text;
    if (text === undefined || this.slots.get(key) !== slot) return;
    slot.text = undefined;
    slot.nextAt = this.now() + this.opts.intervalMs;
    if (!tokenUsable(slot.handle, this.now(), this.opts.tokenLifetimeMs)) return;
    const { route, auth } = editRoute(slot.handle);
    const live = slot.live;
    slot.inFlight = (live ? live() : Promise.resolve(true))
      .then(async (stillLive) => {
        if (stillLive && !this.frozen.has(key)) await this.rest.patch(route, { body: { content: text, allowed_mentions: NO_PINGS }, auth });
      })
      .catch((err: unknown) => {
        if (err instanceof RateLimitError) {
          slot.nextAt = Math.max(slot.nextAt, this.now() + err.retryAfter);
          slot.text ??= text;
        } else {
          this.opts.log.warn({ reply: key, err: (err as Error).message.slice(0, 120) }, 'streamed edit failed');
        }
      })
      .finally(() => {
        slot.inFlight = undefined;
        if (this.slots.get(key) === slot) this.schedule(key, slot);
      });
  }
}
