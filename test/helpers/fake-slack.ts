import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SlackApiCall {
  method: string;
  args: Record<string, unknown>;
  token: string | undefined;
  /** HTTP status the fake answered with (429 when rate-limited). */
  status: number;
  at: number;
}

export interface FakeSlackMessage {
  ts: string;
  user?: string;
  bot_id?: string;
  text: string;
  thread_ts?: string;
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
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
  /** Display names by user id, for users.info. */
  readonly users = new Map<string, string>();
  /** Users that users.info reports as workspace admins. */
  readonly admins = new Set<string>();
  /** Carries out the next N calls of a method, then drops the connection without an answer. */
  readonly dropResponses = new Map<string, number>();
  /** Answers the next N calls of a method with HTTP 429 and this Retry-After (seconds). */
  readonly rateLimits = new Map<string, { remaining: number; retryAfterSec: number }>();
  /** Methods that answer `{ok:false, error}` for a channel, e.g. not_in_channel. */
  readonly channelErrors = new Map<string, string>();
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
    if (limited && limited.remaining > 0) {
      limited.remaining--;
      this.calls.push({ method, args, token, status: 429, at: Date.now() });
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(limited.retryAfterSec) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      return;
    }
    const drop = (this.dropResponses.get(method) ?? 0) > 0;
    if (drop) this.dropResponses.set(method, this.dropResponses.get(method)! - 1);
    this.calls.push({ method, args, token, status: drop ? 0 : 200, at: Date.now() });
    const extra = this.extraMethods.get(method);
    if (extra) return send(res, 200, extra(args, token));
    if (token !== FAKE_BOT.token) return send(res, 200, { ok: false, error: 'invalid_auth' });
    const channelError = this.channelErrors.get(String(args['channel']));
    if (channelError) return send(res, 200, { ok: false, error: channelError });
    const answer = this.answer(method, args);
    if (drop) {
      req.socket.destroy();
      return;
    }
    send(res, 200, answer);
  }

  private answer(method: string, args: Record<string, unknown>): object {
    switch (method) {
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
      case 'chat.postMessage': {
        const ts = `${this.nextTs++}.000100`;
        const message: FakeSlackMessage = { ts, text: String(args['text']), bot_id: FAKE_BOT.botId, user: FAKE_BOT.userId };
        if (args['metadata']) message.metadata = args['metadata'] as FakeSlackMessage['metadata'] & object;
        if (args['thread_ts']) {
          message.thread_ts = String(args['thread_ts']);
          this.threads.get(`${String(args['channel'])}/${message.thread_ts}`)?.push(message);
        }
        return { ok: true, channel: args['channel'], ts, message };
      }
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `${this.nextTs++}.000200` };
      case 'chat.update': {
        const message = [...this.threads.values()].flat().find((m) => m.ts === args['ts']);
        if (!message) return { ok: false, error: 'message_not_found' };
        message.text = String(args['text']);
        return { ok: true, channel: args['channel'], ts: message.ts, text: message.text };
      }
      default:
        return { ok: false, error: 'unknown_method' };
    }
  }

  /** The texts of the bot's messages in a thread as they stand now, after any edits. */
  botTextsIn(channel: string, threadTs: string): string[] {
    return (this.threads.get(`${channel}/${threadTs}`) ?? []).filter((m) => m.bot_id === FAKE_BOT.botId).map((m) => m.text);
  }

  /** conversations.replies with cursor pagination, as Slack pages long threads. */
  private replies(args: Record<string, unknown>): object {
    const thread = this.threads.get(`${String(args['channel'])}/${String(args['ts'])}`);
    if (!thread) return { ok: false, error: 'thread_not_found' };
    const limit = Number(args['limit'] ?? 1000);
    const start = Number(args['cursor'] ?? 0);
    // Like Slack, message metadata is only returned when asked for.
    const page = thread.slice(start, start + limit).map((m) => (args['include_all_metadata'] === 'true' || args['include_all_metadata'] === true ? m : { ...m, metadata: undefined }));
    const next = start + limit < thread.length ? String(start + limit) : '';
    return { ok: true, messages: page, has_more: next !== '', response_metadata: { next_cursor: next } };
  }
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
