import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { viewProblems } from './fake-slack-views.js';

export interface SlackApiCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  /** HTTP status the fake answered with (429 when rate-limited). */
  status: number;
  at: number;
  /** What the fake answered, when it did (e.g. the `ts` of a posted message). */
  answer?: Record<string, unknown>;
}

export interface FakeSlackMessage {
  ts: string;
  user?: string;
  bot_id?: string;
  text: string;
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  /** `channel_join`, `message_changed`, `bot_message`, `thread_broadcast`… */
  subtype?: string;
  /** Replies of a thread parent in a channel's history; derived from `threads` when not given. */
  reply_count?: number;
  username?: string;
  blocks?: unknown[];
  /** A message opened by chat.startStream and not yet stopped. */
  streaming?: boolean;
}

/** A message as Parley finished it: posted, or edited into its placeholder. */
export interface SlackAnswer {
  method: 'chat.postMessage' | 'chat.update' | 'chat.postEphemeral' | 'chat.stopStream';
  channel: string;
  /** The thread it is in, if any. */
  threadTs: string | undefined;
  /** The requester, for an ephemeral answer. */
  user: string | undefined;
  text: string;
  blocks: unknown[] | undefined;
  at: number;
}

/** What Parley shows while a request is queued or generating; not an answer. */
export function isPlaceholderText(text: string): boolean {
  return text.startsWith(':hourglass_flowing_sand:') || text.endsWith(':writing_hand:');
}

/** A view the app opened, published or updated, as Slack stored it. */
export interface FakeSlackView {
  method: 'views.open' | 'views.publish' | 'views.update';
  id: string;
  view: Record<string, unknown>;
  triggerId?: string;
  userId?: string;
}

export const FAKE_TEAM = { id: 'T0PARLEY', name: 'parley-test' };
export const FAKE_BOT = { userId: 'U0PARLEY', botId: 'B0PARLEY', token: 'xoxb-test-token' };

/**
 * Slack's Web API as a local server on 127.0.0.1, speaking the wire format @slack/web-api uses:
 * POST /api/<method>, form-encoded bodies (nested values as JSON strings), Bearer token, and
 * `{ok, …}` JSON answers. It also takes `response_url` posts. Every call is recorded.
 */
export class FakeSlack {
  readonly calls: SlackApiCall[] = [];
  readonly responseUrlPosts: { path: string; body: Record<string, unknown> }[] = [];
  /** Threads by `channel/ts`. */
  readonly threads = new Map<string, FakeSlackMessage[]>();
  /**
   * Top-level messages of a channel, oldest first: what conversations.history reads (tests set a
   * channel's messages here) and where the bot's channel-level posts go. Replies live in `threads`.
   */
  readonly topLevel = new Map<string, FakeSlackMessage[]>();
  /** Display names by user id, for users.info. */
  readonly users = new Map<string, string>();
  /** Users that users.info reports as workspace admins. */
  readonly admins = new Set<string>();
  /** Carries out the next N calls of a method, then drops the connection without an answer. */
  readonly dropResponses = new Map<string, number>();
  /** Answers the next N calls of a method with HTTP 429 and this Retry-After (seconds). */
  readonly rateLimits = new Map<string, { remaining: number; retryAfterSec: number }>();
  /** Views accepted by views.open, views.publish and views.update, in order. */
  readonly views: FakeSlackView[] = [];
  /** The next calls of a method answer `{ok:false, error}` with these errors, one each, in order. */
  readonly failNext = new Map<string, string[]>();
  /** Methods that answer `{ok:false, error}` for a channel, e.g. not_in_channel. */
  readonly channelErrors = new Map<string, string>();
  /** Channels whose reads answer `missing_scope`, with the scope Slack names as `needed`. */
  readonly missingScopes = new Map<string, string>();
  /**
   * What chat.startStream answers instead of opening a stream (e.g. `missing_scope`,
   * `not_allowed_token_type`, `method_not_supported_for_channel_type`), for a workspace that
   * does not offer the stream methods; undefined to stream.
   */
  streamRefusal: string | undefined;
  /** What assistant.threads.setStatus answers instead of setting a status (e.g. `missing_scope`); undefined to set it. */
  statusRefusal: string | undefined;
  /** Per-minute limits per workspace and method (Slack's tiers), enforced with HTTP 429 over a rolling minute. */
  readonly tierLimits = new Map<string, number>();
  /** The workspace a channel belongs to, for per-workspace limits; FAKE_TEAM otherwise. */
  readonly channelTeams = new Map<string, string>();
  /** assistant.threads.setStatus calls as Slack shows them, by `channel/thread_ts`; cleared when the app replies there. */
  readonly statuses = new Map<string, { status: string; loadingMessages: string[] }[]>();
  /** The status each thread shows now, by `channel/thread_ts` (absent once cleared). */
  readonly currentStatus = new Map<string, string>();
  readonly titles = new Map<string, string>();
  readonly suggestedPrompts = new Map<string, { title?: string; prompts: { title: string; message: string }[] }>();
  /** Methods served by a sibling fake (e.g. Socket Mode's apps.connections.open); they check their own token. */
  readonly extraMethods = new Map<string, (args: Record<string, unknown>, token: string | undefined) => object>();
  private server: Server | undefined;
  private nextTs = 1_800_000_000;
  url = '';

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.url}/response_url/${id}`;
  }

  /**
   * Parley's answers in the order they were given: posts and edits whose text is no longer a
   * placeholder or streamed text, and ephemeral messages.
   */
  answers(): SlackAnswer[] {
    return this.calls
      .filter(
        (c) =>
          c.status === 200 &&
          c.answer?.['ok'] === true &&
          (c.method === 'chat.stopStream' || (['chat.postMessage', 'chat.update', 'chat.postEphemeral'].includes(c.method) && !isPlaceholderText(String(c.args['text'])))),
      )
      .map((c) => {
        const channel = String(c.args['channel']);
        const edits = c.method === 'chat.update' || c.method === 'chat.stopStream';
        const threadTs = edits ? this.find(channel, String(c.args['ts']))?.thread_ts : (c.args['thread_ts'] as string | undefined);
        return {
          method: c.method as SlackAnswer['method'],
          channel,
          threadTs,
          user: c.args['user'] as string | undefined,
          text: c.method === 'chat.stopStream' ? streamedAnswerText(c) : String(c.args['text']),
          blocks: c.args['blocks'] as unknown[] | undefined,
          at: c.at,
        };
      });
  }

  /** Calls of a method that the fake answered (not the ones it rate-limited). */
  callsTo(method: string): SlackApiCall[] {
    return this.calls.filter((c) => c.method === method && c.status === 200);
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const path = req.url ?? '/';
    if (path.startsWith('/response_url/')) {
      this.responseUrlPosts.push({ path, body: JSON.parse(raw) as Record<string, unknown> });
      return send(res, 200, { ok: true });
    }
    const method = path.replace(/^\/api\//, '').split('?')[0] ?? '';
    const args = parseForm(raw, req.headers['content-type']);
    const token = req.headers.authorization?.replace(/^Bearer /, '');
    const limited = this.rateLimits.get(method);
    const overTier = this.overTier(method, args);
    if ((limited && limited.remaining > 0) || overTier !== undefined) {
      if (limited && limited.remaining > 0) limited.remaining--;
      this.calls.push({ method, args, token, status: 429, at: Date.now() });
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(overTier ?? limited!.retryAfterSec) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const drop = (this.dropResponses.get(method) ?? 0) > 0;
    if (drop) this.dropResponses.set(method, this.dropResponses.get(method)! - 1);
    const call: SlackApiCall = { method, args, token, status: drop ? 0 : 200, at: Date.now() };
    this.calls.push(call);
    const extra = this.extraMethods.get(method);
    if (extra) return send(res, 200, extra(args, token));
    if (!token) return send(res, 200, { ok: false, error: 'not_authed' });
    if (token !== FAKE_BOT.token) return send(res, 200, { ok: false, error: 'invalid_auth' });
    const failure = this.failNext.get(method)?.shift();
    if (failure) return send(res, 200, { ok: false, error: failure });
    const channelError = this.channelErrors.get(String(args['channel']));
    if (channelError) return send(res, 200, { ok: false, error: channelError });
    const needed = this.missingScopes.get(String(args['channel']));
    if (needed) return send(res, 200, { ok: false, error: 'missing_scope', needed, provided: 'app_mentions:read,commands,chat:write,users:read' });
    const answer = this.answer(method, args);
    call.answer = answer as Record<string, unknown>;
    if (drop) {
      req.socket.destroy();
      return;
    }
    send(res, 200, answer);
  }

  /** Seconds until a call fits its method's per-workspace tier, or undefined when it fits now (and is counted). */
  private readonly tierCalls = new Map<string, number[]>();
  private overTier(method: string, args: Record<string, unknown>): number | undefined {
    const perMinute = this.tierLimits.get(method);
    if (perMinute === undefined) return undefined;
    const channel = String(args['channel'] ?? args['channel_id'] ?? '');
    const key = `${this.channelTeams.get(channel) ?? FAKE_TEAM.id}/${method}`;
    const now = Date.now();
    const recent = (this.tierCalls.get(key) ?? []).filter((t) => t > now - 60_000);
    this.tierCalls.set(key, recent);
    if (recent.length >= perMinute) return Math.max(1, Math.ceil((recent[0]! + 60_000 - now) / 1000));
    recent.push(now);
    return undefined;
  }

  /** The app replied in a thread: Slack clears the status it showed there. */
  private repliedIn(channel: string, threadTs: string | undefined): void {
    if (threadTs) this.currentStatus.delete(`${channel}/${threadTs}`);
  }

  private answer(method: string, args: Record<string, unknown>): object {
    switch (method) {
      case 'chat.startStream':
      case 'chat.appendStream':
      case 'chat.stopStream':
        return this.streamCall(method, args);
      case 'assistant.threads.setStatus':
      case 'assistant.threads.setTitle':
      case 'assistant.threads.setSuggestedPrompts':
        return this.assistantCall(method, args);
      case 'auth.test':
        return { ok: true, url: 'https://parley-test.slack.invalid/', team: FAKE_TEAM.name, user: 'parley', team_id: FAKE_TEAM.id, user_id: FAKE_BOT.userId, bot_id: FAKE_BOT.botId };
      case 'users.info': {
        const id = String(args['user']);
        const name = this.users.get(id) ?? (this.admins.has(id) ? id : undefined);
        if (!name) return { ok: false, error: 'user_not_found' };
        const isAdmin = this.admins.has(id);
        return { ok: true, user: { id, name: name.toLowerCase(), real_name: name, is_admin: isAdmin, is_owner: false, profile: { display_name: name, real_name: name } } };
      }
      case 'conversations.replies':
        return this.replies(args);
      case 'conversations.history':
        return this.history(args);
      case 'chat.postMessage': {
        const ts = `${this.nextTs++}.000100`;
        const message: FakeSlackMessage = { ts, text: String(args['text']), bot_id: FAKE_BOT.botId, user: FAKE_BOT.userId };
        if (args['metadata']) message.metadata = args['metadata'] as FakeSlackMessage['metadata'] & object;
        if (Array.isArray(args['blocks'])) message.blocks = args['blocks'];
        const invalid = blockKitError(args['blocks']);
        if (invalid) return { ok: false, error: 'invalid_blocks', errors: [invalid] };
        const channel = String(args['channel']);
        this.repliedIn(channel, args['thread_ts'] as string | undefined);
        if (args['thread_ts']) {
          message.thread_ts = String(args['thread_ts']);
          (this.threads.get(`${channel}/${message.thread_ts}`) ?? this.threadOf(channel, message.thread_ts))?.push(message);
        } else {
          this.topLevel.set(channel, [...(this.topLevel.get(channel) ?? []), message]);
        }
        return { ok: true, channel, ts, message };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${this.nextTs++}.000200` };
      case 'chat.update': {
        const message = this.find(String(args['channel']), String(args['ts']));
        if (!message) return { ok: false, error: 'message_not_found' };
        const invalid = blockKitError(args['blocks']);
        if (invalid) return { ok: false, error: 'invalid_blocks', errors: [invalid] };
        message.text = String(args['text']);
        if (Array.isArray(args['blocks'])) message.blocks = args['blocks'];
        if (args['metadata']) message.metadata = args['metadata'] as FakeSlackMessage['metadata'] & object;
        return { ok: true, channel: args['channel'], ts: message.ts, text: message.text };
      }
      case 'chat.getPermalink': {
        const channel = String(args['channel']);
        const ts = String(args['message_ts']);
        const message = this.find(channel, ts);
        if (!message) return { ok: false, error: 'message_not_found' };
        const parent = message.thread_ts && message.thread_ts !== ts ? `?thread_ts=${message.thread_ts}&cid=${channel}` : '';
        return { ok: true, channel, permalink: `https://parley-test.slack.invalid/archives/${channel}/p${ts.replace('.', '')}${parent}` };
      }
      case 'views.open':
      case 'views.publish':
      case 'views.update':
        return this.viewCall(method, args);
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /**
   * The stream methods as Slack documents them: startStream opens a bot message in a thread
   * (outside DMs only with `recipient_user_id` and `recipient_team_id`), appendStream adds
   * markdown to a message still streaming, stopStream adds the last text and up to 50 blocks and
   * ends it; a stopped message answers `message_not_in_streaming_state`.
   */
  private streamCall(method: string, args: Record<string, unknown>): object {
    const channel = String(args['channel'] ?? '');
    const text = streamedText(args);
    if (text.length > 12_000) return { ok: false, error: 'msg_too_long' };
    if (method === 'chat.startStream') {
      if (this.streamRefusal) return { ok: false, error: this.streamRefusal, ...(this.streamRefusal === 'missing_scope' && { needed: 'chat:write' }) };
      const threadTs = args['thread_ts'];
      if (!threadTs) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: thread_ts'] } };
      if (!channel.startsWith('D')) {
        for (const field of ['recipient_user_id', 'recipient_team_id']) {
          if (!args[field]) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: [`[ERROR] missing required field: ${field}`] } };
        }
      }
      const thread = this.threads.get(`${channel}/${String(threadTs)}`) ?? this.threadOf(channel, String(threadTs));
      if (!thread) return { ok: false, error: 'thread_not_found' };
      const ts = `${this.nextTs++}.000100`;
      const message: FakeSlackMessage = { ts, text, bot_id: FAKE_BOT.botId, user: FAKE_BOT.userId, thread_ts: String(threadTs), streaming: true };
      thread.push(message);
      this.repliedIn(channel, String(threadTs));
      return { ok: true, channel, ts };
    }
    const message = this.find(channel, String(args['ts'] ?? ''));
    if (!message) return { ok: false, error: 'message_not_found' };
    if (message.bot_id !== FAKE_BOT.botId) return { ok: false, error: 'message_not_owned_by_app' };
    if (!message.streaming) return { ok: false, error: 'message_not_in_streaming_state' };
    if (method === 'chat.appendStream' && !text) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] markdown_text or chunks is required'] } };
    if (method === 'chat.stopStream') {
      const invalid = blockKitError(args['blocks']);
      if (invalid) return { ok: false, error: 'invalid_blocks', errors: [invalid] };
      if (Array.isArray(args['blocks'])) message.blocks = args['blocks'];
      if (args['metadata']) message.metadata = args['metadata'] as FakeSlackMessage['metadata'] & object;
      message.streaming = false;
    }
    message.text += text;
    return { ok: true, channel, ts: message.ts, ...(method === 'chat.stopStream' && { message: { ts: message.ts, text: message.text, blocks: message.blocks } }) };
  }

  /** Slack ends a stream by itself (it timed out, or another client stopped it). */
  endStream(channel: string, ts: string): void {
    const message = this.find(channel, ts);
    if (message) message.streaming = false;
  }

  /** assistant.threads.*: a thread's status (up to 10 loading messages; empty clears it), title and up to 4 suggested prompts. */
  private assistantCall(method: string, args: Record<string, unknown>): object {
    const channel = String(args['channel_id'] ?? '');
    const threadTs = String(args['thread_ts'] ?? '');
    if (!channel || !threadTs) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: channel_id or thread_ts'] } };
    const key = `${channel}/${threadTs}`;
    if (method === 'assistant.threads.setStatus') {
      if (this.statusRefusal) return { ok: false, error: this.statusRefusal, ...(this.statusRefusal === 'missing_scope' && { needed: 'assistant:write' }) };
      if (typeof args['status'] !== 'string') return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: status'] } };
      const loadingMessages = (args['loading_messages'] as string[] | undefined) ?? [];
      if (!Array.isArray(loadingMessages) || loadingMessages.length > 10) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] loading_messages: at most 10 items'] } };
      this.statuses.set(key, [...(this.statuses.get(key) ?? []), { status: args['status'], loadingMessages }]);
      if (args['status'] === '') this.currentStatus.delete(key);
      else this.currentStatus.set(key, args['status']);
      return { ok: true };
    }
    if (method === 'assistant.threads.setTitle') {
      if (typeof args['title'] !== 'string' || !args['title']) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] missing required field: title'] } };
      this.titles.set(key, args['title']);
      return { ok: true };
    }
    const prompts = args['prompts'] as { title?: unknown; message?: unknown }[] | undefined;
    if (!Array.isArray(prompts) || prompts.length < 1 || prompts.length > 4 || prompts.some((p) => typeof p.title !== 'string' || typeof p.message !== 'string')) {
      return { ok: false, error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] prompts: 1 to 4 items of {title, message}'] } };
    }
    this.suggestedPrompts.set(key, { ...(typeof args['title'] === 'string' && { title: args['title'] }), prompts: prompts as { title: string; message: string }[] });
    return { ok: true };
  }

  /** Any message of a channel: in a thread, or posted at its top level. */
  find(channel: string, ts: string): FakeSlackMessage | undefined {
    for (const [key, messages] of this.threads) {
      if (!key.startsWith(`${channel}/`)) continue;
      const found = messages.find((m) => m.ts === ts);
      if (found) return found;
    }
    return this.topLevel.get(channel)?.find((m) => m.ts === ts);
  }

  /** A reply to a top-level bot message starts that message's thread, as in Slack. */
  private threadOf(channel: string, ts: string): FakeSlackMessage[] | undefined {
    const parent = this.topLevel.get(channel)?.find((m) => m.ts === ts);
    if (!parent) return undefined;
    const thread = [parent];
    this.threads.set(`${channel}/${ts}`, thread);
    return thread;
  }

  /** The views.* methods: required arguments and Block Kit limits checked, the view recorded. */
  private viewCall(method: FakeSlackView['method'], args: Record<string, unknown>): object {
    const view = typeof args['view'] === 'string' ? (JSON.parse(args['view']) as unknown) : args['view'];
    const required = { 'views.open': 'trigger_id', 'views.publish': 'user_id', 'views.update': 'view_id' }[method];
    const missing = !args[required] && !(method === 'views.update' && args['external_id']);
    const problems = missing ? [`[ERROR] missing required field: ${required}`] : viewProblems(view);
    if (problems.length) return { ok: false, error: 'invalid_arguments', response_metadata: { messages: problems } };
    const previous = method === 'views.update' ? this.views.find((v) => v.id === args['view_id']) : undefined;
    if (method === 'views.update' && !previous) return { ok: false, error: 'not_found' };
    const id = previous?.id ?? `V${String(this.nextTs++)}`;
    const stored = view as Record<string, unknown>;
    this.views.push({
      method,
      id,
      view: stored,
      ...(args['trigger_id'] !== undefined && { triggerId: String(args['trigger_id']) }),
      ...(args['user_id'] !== undefined && { userId: String(args['user_id']) }),
    });
    return { ok: true, view: { id, team_id: FAKE_TEAM.id, ...stored, state: { values: {} }, hash: `${id}-hash`, app_id: 'A0PARLEY', bot_id: FAKE_BOT.botId } };
  }

  /** The texts of the bot's messages in a thread as they stand now, after any edits (see `shownText`). */
  botTextsIn(channel: string, threadTs: string): string[] {
    return (this.threads.get(`${channel}/${threadTs}`) ?? []).filter((m) => m.bot_id === FAKE_BOT.botId).map(shownText);
  }

  /** conversations.replies with cursor pagination, as Slack pages long threads. */
  private replies(args: Record<string, unknown>): object {
    const found = this.threads.get(`${String(args['channel'])}/${String(args['ts'])}`);
    if (!found) return { ok: false, error: 'thread_not_found' };
    const thread = found.filter((m) => inRange(m.ts, args));
    const limit = Number(args['limit'] ?? 1000);
    const start = Number(args['cursor'] ?? 0);
    // Like Slack, message metadata is only returned when asked for.
    const page = thread.slice(start, start + limit).map((m) => (args['include_all_metadata'] === 'true' || args['include_all_metadata'] === true ? m : { ...m, metadata: undefined }));
    const next = start + limit < thread.length ? String(start + limit) : '';
    return { ok: true, messages: page, has_more: next !== '', response_metadata: { next_cursor: next } };
  }

  /**
   * conversations.history as Slack answers it: top-level messages newest first, `oldest` and
   * `latest` exclusive unless `inclusive`, cursor pages of `limit`, thread parents carrying
   * `reply_count` and `thread_ts`.
   */
  private history(args: Record<string, unknown>): object {
    const channel = String(args['channel']);
    const messages = this.topLevel.get(channel);
    if (!messages) return { ok: false, error: 'channel_not_found' };
    const newestFirst = messages
      .filter((m) => inRange(m.ts, args))
      .map((m) => {
        const replies = (this.threads.get(`${channel}/${m.ts}`)?.length ?? 1) - 1;
        const replyCount = m.reply_count ?? replies;
        return replyCount > 0 ? { ...m, reply_count: replyCount, thread_ts: m.thread_ts ?? m.ts, metadata: undefined } : { ...m, metadata: undefined };
      })
      .reverse();
    const limit = Number(args['limit'] ?? 100);
    const start = Number(args['cursor'] ?? 0);
    const next = start + limit < newestFirst.length ? String(start + limit) : '';
    return { ok: true, messages: newestFirst.slice(start, start + limit), has_more: next !== '', response_metadata: { next_cursor: next } };
  }
}

/** Slack's `oldest`/`latest` bounds: exclusive unless `inclusive` is set. */
function inRange(ts: string, args: Record<string, unknown>): boolean {
  const inclusive = args['inclusive'] === true || args['inclusive'] === 'true' || args['inclusive'] === '1';
  const t = Number(ts);
  const oldest = args['oldest'] === undefined ? -Infinity : Number(args['oldest']);
  const latest = args['latest'] === undefined ? Infinity : Number(args['latest']);
  return inclusive ? t >= oldest && t <= latest : t > oldest && t < latest;
}

/**
 * What a message shows as text: its `text`, then the text of context blocks it does not already
 * carry (a streamed answer's footer lives only in the blocks chat.stopStream added).
 */
export function shownText(m: Pick<FakeSlackMessage, 'text' | 'blocks'>): string {
  const contexts = ((m.blocks ?? []) as { type?: string; elements?: { text?: string }[] }[])
    .filter((b) => b.type === 'context')
    .map((b) => (b.elements ?? []).map((e) => e.text ?? '').join(' '))
    .filter((t) => t && !m.text.includes(t));
  return [m.text, ...contexts].filter(Boolean).join('\n\n');
}

/** What a stopped stream shows as text: the streamed markdown, then the text of the context blocks it was stopped with (the footer). */
function streamedAnswerText(stop: SlackApiCall): string {
  const message = stop.answer?.['message'] as { text?: string; blocks?: { type?: string; elements?: { text?: string }[] }[] } | undefined;
  const contexts = (message?.blocks ?? []).filter((b) => b.type === 'context').map((b) => (b.elements ?? []).map((e) => e.text ?? '').join(' '));
  return [message?.text ?? '', ...contexts].filter(Boolean).join('\n\n');
}

/** The markdown a stream call carries: `markdown_text`, or its `chunks`' markdown_text chunks. */
function streamedText(args: Record<string, unknown>): string {
  const chunks = Array.isArray(args['chunks']) ? (args['chunks'] as { type?: string; text?: string }[]) : [];
  return String(args['markdown_text'] ?? '') + chunks.filter((c) => c.type === 'markdown_text').map((c) => c.text ?? '').join('');
}

type AnyBlock = { type?: string; text?: string | { text?: string }; elements?: Record<string, unknown>[] };

/**
 * Block Kit's limits, checked as Slack checks them: 50 blocks, 3,000 characters of section text,
 * 12,000 characters of `markdown` text in one payload, and a `context_actions` block of 1 to 5
 * feedback or icon buttons, each feedback button with plain text and a value.
 */
function blockKitError(blocks: unknown): string | undefined {
  if (!Array.isArray(blocks)) return undefined;
  if (blocks.length > 50) return 'must provide an array with at most 50 items [json-pointer:/blocks]';
  let markdownChars = 0;
  for (const [i, block] of (blocks as AnyBlock[]).entries()) {
    if (block.type === 'markdown') {
      if (typeof block.text !== 'string' || !block.text) return `must provide a string [json-pointer:/blocks/${i}/text]`;
      markdownChars += block.text.length;
      if (markdownChars > 12_000) return `markdown blocks must total at most 12000 characters [json-pointer:/blocks/${i}/text]`;
      continue;
    }
    if (block.type === 'context_actions') {
      const elements = block.elements ?? [];
      if (elements.length < 1 || elements.length > 5) return `must provide an array with 1 to 5 items [json-pointer:/blocks/${i}/elements]`;
      for (const [j, e] of elements.entries()) {
        if (e['type'] !== 'feedback_buttons' && e['type'] !== 'icon_button') return `must be feedback_buttons or icon_button [json-pointer:/blocks/${i}/elements/${j}/type]`;
        if (e['type'] === 'feedback_buttons') {
          for (const side of ['positive_button', 'negative_button']) {
            const button = e[side] as { text?: { type?: string; text?: string }; value?: string } | undefined;
            if (button?.text?.type !== 'plain_text' || !button.text.text) return `must provide plain_text [json-pointer:/blocks/${i}/elements/${j}/${side}/text]`;
            if (typeof button.value !== 'string' || !button.value || button.value.length > 2000) return `must provide a value of 1 to 2000 characters [json-pointer:/blocks/${i}/elements/${j}/${side}/value]`;
          }
        }
      }
      continue;
    }
    const text = typeof block.text === 'object' ? block.text?.text : undefined;
    if ((text?.length ?? 0) > 3000) return `must be less than 3001 characters [json-pointer:/blocks/${i}/text/text]`;
    if (block.elements?.some((e) => (String(e['text'] ?? '').length ?? 0) > 3000)) return `must be less than 3001 characters [json-pointer:/blocks/${i}/elements]`;
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

function parseForm(raw: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return JSON.parse(raw || '{}') as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    try {
      out[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      out[key] = value;
    }
  }
  return out;
}

function send(res: ServerResponse, status: number, body: object): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
