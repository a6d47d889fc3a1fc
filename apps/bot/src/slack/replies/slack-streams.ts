import type { ProgressStage, SlackTarget, Task } from '@parley/jobs';
import type { Logger } from '@parley/service-kit';
import { ErrorCode, type ChatStreamer, type WebClient } from '@slack/web-api';
import type { Redis } from 'ioredis';
import type { PlatformMetrics } from '../../core/bot-metrics.js';
import type { StillStreaming } from '../../core/frozen-keys.js';
import { streamKeys } from '../../core/progress-stream.js';
import { queueText, stageText, waitingText } from '../../core/reply-words.js';
import { escapeSlackText, streamingText } from './format-reply.js';
import type { Placeholders } from './placeholders.js';
import { markdownOf, type SlackMessageBody } from './reply-blocks.js';
import { WorkspaceBudget } from './workspace-budget.js';

/** Slack's answers that say this workspace does not give the app the stream methods or the status: remembered for an hour. */
const WORKSPACE_REFUSALS = new Set(['missing_scope', 'not_allowed_token_type', 'unknown_method', 'method_deprecated', 'feature_not_enabled', 'team_not_allowed', 'no_permission']);
const REFUSAL_TTL_SEC = 3600;
/** As long as a reply can wait for a bot that is down. */
const TTL_SEC = 7 * 24 * 3600;
/** A stream is being started; no other writer may start one. */
const PENDING = 'pending';
/** No stream for this request: it fell back, or the answer came first. */
const NONE = 'none';
/**
 * The start was sent but its answer was lost: a stream may exist, but Parley does not know its ts.
 * The key then holds `lost:` and the text the start carried, so whichever bot delivers the answer can find it.
 */
const LOST = 'lost:';
/** Longer than a start can take (the client's 5 s timeout): then a `pending` start is given up. */
const SETTLE_MS = 7000;
/** Sets KEYS[1] to ARGV[2] only while it still holds ARGV[1]; 1 if it did. */
const COMPARE_AND_SET = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end return 0`;
/** A streamed message stays well inside the 12,000 characters one markdown payload may hold; the answer fixes the rest. */
const MAX_STREAMED_CHARS = 11_000;
const STATUS = 'is working on it…';
/**
 * The shortest time between two calls of one stream: the first three follow each other quickly
 * (a short answer still shows its text growing), then at a pace a reader follows. Without it the first streams of a busy workspace would spend
 * its whole append budget before the others start, and every call costs the bot's CPU.
 */
const streamIntervalMs = (calls: number) => (calls < 3 ? 50 : 300);

type SlackError = { code?: string; retryAfter?: number; data?: { error?: string } };

/** How a request's partial text reaches Slack: a stream in its thread, or a placeholder edited with chat.update. */
export type ReplyMode = 'stream' | 'placeholder';

interface LiveStream {
  target: SlackTarget;
  streamer: ChatStreamer;
  /** Escaped text handed to the streamer: sent, or buffered in it after a failed call. */
  handed: string;
  latest: string;
  live: StillStreaming;
  ts: string | undefined;
  inFlight: Promise<void> | undefined;
  timer: NodeJS.Timeout | undefined;
  lastSentAt: number;
  calls: number;
  /** No more appends: the final answer was sent, the text diverged, or Slack ended the stream. */
  frozen: boolean;
  /** An append whose answer was lost may or may not have landed: the answer must replace the whole message. */
  uncertain: boolean;
  fellBack: boolean;
  /** chat.startStream was sent and got no answer. */
  lostStart: boolean;
}

export interface SlackStreamsOptions {
  /** Must not retry by itself and must reject rate-limited calls: appends are not idempotent. */
  client: WebClient;
  redis: Redis;
  prefix: string;
  placeholders: Placeholders;
  log: Logger;
  metrics: PlatformMetrics;
  /** chat.appendStream is Tier 4 (100+ a minute per workspace); chat.startStream and assistant.threads.setStatus are budgeted too. */
  appendsPerMinute: number;
  startsPerMinute: number;
  statusesPerMinute: number;
}

/**
 * Slack's native AI surfaces for a threaded, public reply: `assistant.threads.setStatus` while it
 * waits (the queue position, then what the worker reads), then the worker's text streamed with
 * chat.startStream / appendStream through @slack/web-api's ChatStreamer, finished by `finish`
 * with the formatted answer. A workspace or channel that refuses the status or the stream
 * methods gets the placeholder and chat.update instead, chosen from Slack's error; refusals that
 * concern the whole workspace are remembered in Redis for an hour.
 *
 * One Redis key per request decides who starts its stream (`pending` → the stream's ts, or
 * `none`), so a retried delivery, a second bot instance or a restarted bot never starts a second
 * stream; appends come only from the instance that started it, and the answer always replaces
 * what was streamed when that instance is gone.
 */
export class SlackStreams {
  private readonly streams = new Map<string, LiveStream>();
  private readonly appends: WorkspaceBudget;
  private readonly starts: WorkspaceBudget;
  private readonly statuses: WorkspaceBudget;
  private closed = false;

  constructor(private readonly opts: SlackStreamsOptions) {
    this.appends = new WorkspaceBudget(opts.redis, opts.prefix, 'chat.appendStream', opts.appendsPerMinute);
    this.starts = new WorkspaceBudget(opts.redis, opts.prefix, 'chat.startStream', opts.startsPerMinute);
    this.statuses = new WorkspaceBudget(opts.redis, opts.prefix, 'assistant.threads.setStatus', opts.statusesPerMinute);
  }

  private modeKey = (requestId: string) => `${this.opts.prefix}:slack-mode:${requestId}`;
  private streamKey = (requestId: string) => `${this.opts.prefix}:slack-stream:${requestId}`;
  private refusedKey = (team: string) => `${this.opts.prefix}:slack-streams-refused:${team}`;
  /** The status line is refused apart from the stream methods (it may need a scope they don't). */
  private statusRefusedKey = (team: string) => `${this.opts.prefix}:slack-status-refused:${team}`;
  /** Set once the worker's stage is the status: the queue position, said later, would be stale. */
  private stagedKey = (requestId: string) => `${this.opts.prefix}:slack-staged:${requestId}`;

  /** A reply in a thread, seen by everyone, in a workspace that has not refused the stream methods. */
  private async streamable(target: SlackTarget): Promise<boolean> {
    if (!target.threadTs || target.private) return false;
    return (await this.opts.redis.exists(this.refusedKey(target.teamId))) === 0;
  }

  private async remember(target: SlackTarget, method: string, code: string): Promise<void> {
    const status = method === 'assistant.threads.setStatus';
    this.opts.log.warn({ team: target.teamId, method, err: code }, status ? 'Slack refused the status line' : 'Slack refused the stream methods; using placeholders');
    if (!WORKSPACE_REFUSALS.has(code)) return;
    await this.opts.redis.set((status ? this.statusRefusedKey : this.refusedKey)(target.teamId), `${method}:${code}`, 'EX', REFUSAL_TTL_SEC);
  }

  private compareAndSet(key: string, from: string, to: string): Promise<boolean> {
    return this.opts.redis.eval(COMPARE_AND_SET, 1, key, from, to, String(TTL_SEC)).then((r) => r === 1);
  }

  async modeOf(requestId: string): Promise<ReplyMode | undefined> {
    const mode = await this.opts.redis.get(this.modeKey(requestId));
    return mode === 'stream' || mode === 'placeholder' ? mode : undefined;
  }

  /**
   * Chooses how the request's reply shows before its job is queued (a worker may report its
   * stage at once): a stream in its thread, or a placeholder. A redelivered request keeps the
   * mode its first delivery chose.
   */
  async prepare(requestId: string, target: SlackTarget): Promise<void> {
    const mode: ReplyMode = (await this.streamable(target)) ? 'stream' : 'placeholder';
    await this.opts.redis.set(this.modeKey(requestId), mode, 'EX', TTL_SEC, 'NX');
  }

  /**
   * The request is queued: its status in the thread says where it stands. Resolves the mode, and
   * whether the thread shows where it stands (when it does not, the caller says it privately).
   */
  async waiting(requestId: string, target: SlackTarget, status: { task: Task; messages: number; ahead: number }): Promise<{ mode: ReplyMode; shown: boolean }> {
    if ((await this.modeOf(requestId)) !== 'stream') return { mode: 'placeholder', shown: false };
    // The worker's stage already shows, or the answer is out: the queue position would be stale.
    const [staged, answered, statusRefused] = await Promise.all([
      this.opts.redis.exists(this.stagedKey(requestId)),
      this.opts.redis.exists(streamKeys.final(this.opts.prefix, requestId)),
      this.opts.redis.exists(this.statusRefusedKey(target.teamId)),
    ]);
    if (staged || answered) return { mode: 'stream', shown: true };
    if (statusRefused) return { mode: 'stream', shown: false };
    const lines = [queueText(status.ahead), waitingText(status.task, status.messages)].filter((l): l is string => Boolean(l));
    return { mode: 'stream', shown: (await this.setStatus(target, lines)) === 'shown' };
  }

  /** What the worker is doing, as the thread's status, until its text streams. */
  async stage(requestId: string, target: SlackTarget, stage: ProgressStage): Promise<void> {
    if (this.streams.get(requestId)?.handed) return;
    if ((await this.modeOf(requestId)) !== 'stream' || (await this.opts.redis.exists(this.streamKey(requestId)))) return;
    if (await this.opts.redis.exists(this.statusRefusedKey(target.teamId))) return;
    await this.opts.redis.set(this.stagedKey(requestId), '1', 'EX', 3600);
    await this.setStatus(target, [stageText(stage)]);
  }

  private async setStatus(target: SlackTarget, loadingMessages: string[]): Promise<'shown' | 'skipped' | 'refused'> {
    // A status is lossy: one that does not fit the budget is skipped, not queued.
    if ((await this.statuses.take(target.teamId)) > 0) return 'skipped';
    try {
      await this.opts.client.assistant.threads.setStatus({ channel_id: target.channelId, thread_ts: target.threadTs!, status: STATUS, loading_messages: loadingMessages });
      return 'shown';
    } catch (err) {
      const e = err as SlackError;
      if (e.code === ErrorCode.RateLimitedError) {
        this.opts.metrics.rateLimited('slack', 'assistant.threads.setStatus');
        await this.statuses.pause(target.teamId, (e.retryAfter ?? 1) * 1000);
        return 'skipped';
      }
      const code = e.data?.error;
      if (!code) return 'skipped';
      await this.remember(target, 'assistant.threads.setStatus', code);
      return 'refused';
    }
  }

  /**
   * The worker's text so far. Resolves 'placeholder' when this request does not stream (or no
   * longer does), so the caller edits its placeholder instead.
   */
  async text(requestId: string, target: SlackTarget, text: string, live: StillStreaming): Promise<ReplyMode> {
    if (this.closed) return 'stream';
    let stream = this.streams.get(requestId);
    if (!stream) {
      if ((await this.modeOf(requestId)) !== 'stream') return 'placeholder';
      // Only the writer that claims the start appends; a bot that restarted mid-stream leaves it to the answer.
      if ((await this.opts.redis.set(this.streamKey(requestId), PENDING, 'EX', TTL_SEC, 'NX')) !== 'OK') return 'stream';
      stream = {
        target,
        streamer: this.opts.client.chatStream({
          channel: target.channelId,
          thread_ts: target.threadTs!,
          recipient_team_id: target.teamId,
          recipient_user_id: target.userId,
          // Parley paces the calls itself, per workspace; the helper should send what it is given.
          buffer_size: 1,
        }),
        handed: '',
        latest: text,
        live,
        ts: undefined,
        inFlight: undefined,
        timer: undefined,
        lastSentAt: 0,
        calls: 0,
        frozen: false,
        uncertain: false,
        fellBack: false,
        lostStart: false,
      };
      this.streams.set(requestId, stream);
      if (this.streams.size > 10_000) this.streams.delete(this.streams.keys().next().value!);
    }
    if (stream.fellBack) return 'placeholder';
    stream.latest = text;
    stream.live = live;
    this.pump(requestId, stream);
    return 'stream';
  }

  /** The text not yet handed to the stream, or undefined when there is none to send (or it may not be sent). */
  private nextDelta(s: LiveStream): string | undefined {
    const escaped = escapeSlackText(s.latest);
    // Appended text cannot be taken back: text that no longer extends it waits for the answer.
    if (!escaped.startsWith(s.handed) || escaped.length > MAX_STREAMED_CHARS) {
      s.frozen = s.ts !== undefined || s.handed !== '';
      return undefined;
    }
    return escaped.slice(s.handed.length) || undefined;
  }

  private later(requestId: string, s: LiveStream, ms: number): void {
    s.timer = setTimeout(() => {
      s.timer = undefined;
      this.pump(requestId, s);
    }, ms);
  }

  private pump(requestId: string, s: LiveStream): void {
    if (s.inFlight || s.timer || s.frozen || s.fellBack || this.closed || this.nextDelta(s) === undefined) return;
    const paced = s.lastSentAt + streamIntervalMs(s.calls) - Date.now();
    if (paced > 0) return this.later(requestId, s, paced);
    s.inFlight = (async () => {
      const wait = await (s.ts ? this.appends : this.starts).take(s.target.teamId);
      if (wait > 0) return this.later(requestId, s, wait);
      // The text may have grown (or the answer come) while the budget was asked.
      const delta = s.frozen ? undefined : this.nextDelta(s);
      if (!delta) return;
      s.lastSentAt = Date.now();
      s.calls++;
      await this.send(requestId, s, delta);
    })()
      .catch((err: Error) => this.opts.log.warn({ requestId, err: err.message }, 'streamed text skipped'))
      .finally(() => {
        s.inFlight = undefined;
        this.pump(requestId, s);
      });
  }

  private async send(requestId: string, s: LiveStream, delta: string): Promise<void> {
    if (!(await s.live())) {
      s.frozen = true;
      return;
    }
    const starting = s.ts === undefined;
    const method = starting ? 'chat.startStream' : 'chat.appendStream';
    try {
      s.handed += delta;
      await s.streamer.append({ markdown_text: delta });
      if (starting) {
        s.ts = s.streamer.ts;
        // An answer that gave up waiting for this start has been posted: this stream would be a second message.
        if (!s.ts || !(await this.compareAndSet(this.streamKey(requestId), PENDING, s.ts))) {
          s.frozen = true;
          if (s.ts) await this.opts.client.chat.delete({ channel: s.target.channelId, ts: s.ts }).catch(() => {});
          s.ts = undefined;
        }
      }
    } catch (err) {
      const e = err as SlackError;
      if (e.code === ErrorCode.RateLimitedError) {
        // The helper keeps unsent text in its buffer; the next call sends it with whatever came since.
        this.opts.metrics.rateLimited('slack', method);
        await (starting ? this.starts : this.appends).pause(s.target.teamId, (e.retryAfter ?? 1) * 1000);
        return;
      }
      const code = e.data?.error;
      if (starting && code) return this.fallBack(requestId, s, code);
      if (starting) {
        // No answer: the stream may exist. No placeholder (it would be a second message); the answer looks for it.
        s.frozen = true;
        s.lostStart = true;
        await this.opts.redis.set(this.streamKey(requestId), `${LOST}${s.handed.slice(0, 500)}`, 'EX', TTL_SEC);
        this.opts.log.warn({ requestId, method, err: e.code }, 'stream start got no answer; the answer will look for the stream');
        return;
      }
      s.frozen = true;
      // Without Slack's answer the append may have landed: only a full replacement is certain.
      if (!code) s.uncertain = true;
      this.opts.log.warn({ requestId, method, err: code ?? e.code }, 'stream append failed; the answer will replace the message');
    }
  }

  /** The stream methods were refused: this request's text goes into a placeholder from now on. */
  private async fallBack(requestId: string, s: LiveStream, code: string): Promise<void> {
    s.fellBack = true;
    await this.opts.redis.set(this.streamKey(requestId), NONE, 'EX', TTL_SEC);
    await this.opts.redis.set(this.modeKey(requestId), 'placeholder', 'EX', TTL_SEC);
    await this.remember(s.target, 'chat.startStream', code);
    const { target } = s;
    await this.opts.placeholders.post(requestId, { channelId: target.channelId, ...(target.threadTs && { threadTs: target.threadTs }) }, streamingText(s.latest));
  }

  /**
   * Puts the answer's first message into the request's stream, if it has one: stopped with the
   * rest of the text, the footer and the feedback buttons when the answer extends what was
   * streamed, otherwise stopped and replaced with chat.update. Resolves the message's ts, or
   * undefined when there is no stream (the caller posts the answer). Slack's errors are thrown
   * as the Web API client raised them.
   */
  async finish(requestId: string, target: SlackTarget, parts: readonly SlackMessageBody[], metadata: object): Promise<string | undefined> {
    const s = this.streams.get(requestId);
    if (s) {
      s.frozen = true;
      clearTimeout(s.timer);
      s.timer = undefined;
      await s.inFlight;
    }
    const key = this.streamKey(requestId);
    if (s && s.ts === undefined && !s.lostStart) {
      // This instance claimed the start but never made it (waiting for the budget, or refused): no stream.
      this.streams.delete(requestId);
      await this.opts.redis.set(key, NONE, 'EX', TTL_SEC);
      return undefined;
    }
    if ((await this.opts.redis.set(key, NONE, 'EX', TTL_SEC, 'NX')) === 'OK') return undefined;
    let ts = await this.settled(key);
    if (ts?.startsWith(LOST)) ts = await this.findLostStream(target, ts.slice(LOST.length));
    if (!ts) return undefined;
    const first = parts[0]!;
    const { markdown, after } = markdownOf(first);
    const { client } = this.opts;
    // Gone: deleted by someone, or never there; the caller posts the answer.
    const gone = (err: SlackError) => err.data?.error === 'message_not_found';
    let stopped = false;
    if (s?.ts === ts && !s.uncertain && parts.length === 1 && markdown.startsWith(s.handed)) {
      const rest = markdown.slice(s.handed.length);
      const result = await s.streamer
        .stop({ ...(rest && { markdown_text: rest }), blocks: after, metadata: metadata as never })
        .then(() => 'stopped' as const)
        .catch((err: SlackError) => {
          if (err.data?.error === 'message_not_in_streaming_state') return 'replace' as const;
          if (gone(err)) return 'gone' as const;
          // The helper keeps `rest` in its buffer after a failed stop: a retry must replace the whole message instead.
          s.uncertain = true;
          throw err;
        });
      if (result === 'gone') return this.forget(requestId);
      stopped = result === 'stopped';
    } else {
      const result = await client.chat
        .stopStream({ channel: target.channelId, ts })
        .then(() => 'stopped' as const)
        .catch((err: SlackError) => {
          // Already stopped: by an earlier attempt of this delivery, or by Slack.
          if (err.data?.error === 'message_not_in_streaming_state') return 'replace' as const;
          if (gone(err)) return 'gone' as const;
          throw err;
        });
      if (result === 'gone') return this.forget(requestId);
    }
    if (s) this.streams.delete(requestId);
    if (stopped) return ts;
    const updated = await client.chat
      .update({ channel: target.channelId, ts, ...first, metadata: metadata as never })
      .then(() => true)
      .catch((err: SlackError) => {
        if (err.data?.error === 'message_not_found') return false;
        throw err;
      });
    return updated ? ts : undefined;
  }

  private forget(requestId: string): undefined {
    this.streams.delete(requestId);
    return undefined;
  }

  /** The stream a start with no answer may have opened: Parley's message in the thread, not yet an answer, that shows the text sent. */
  private async findLostStream(target: SlackTarget, sent: string): Promise<string | undefined> {
    if (!sent) return undefined;
    const page = await this.opts.client.conversations.replies({ channel: target.channelId, ts: target.threadTs!, include_all_metadata: true, limit: 200 }).catch(() => undefined);
    const lost = (page?.messages ?? []).find((m) => {
      const meta = (m as { metadata?: { event_type?: string } }).metadata;
      return m.bot_id !== undefined && meta?.event_type !== 'parley_reply' && (m.text ?? '').startsWith(sent);
    });
    return lost?.ts;
  }

  /** The stream's ts once its start is settled; a start still pending after SETTLE_MS is given up, so it can no longer land. */
  private async settled(key: string): Promise<string | undefined> {
    const until = Date.now() + SETTLE_MS;
    for (;;) {
      const value = await this.opts.redis.get(key);
      if (value !== PENDING) return value && value !== NONE ? value : undefined;
      if (Date.now() > until) {
        if (await this.compareAndSet(key, PENDING, NONE)) return undefined;
        continue;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  close(): void {
    this.closed = true;
    for (const s of this.streams.values()) clearTimeout(s.timer);
  }
}
