import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** Discord's epoch, for snowflakes that carry a real time. */
const EPOCH = 1420070400000n;
let counter = 0n;
export function snowflake(at = Date.now()): string {
  counter = (counter + 1n) & 0xfffn;
  return String(((BigInt(at) - EPOCH) << 22n) | counter);
}

export const FAKE_DISCORD = {
  token: 'fake-discord-bot-token-0123456789',
  applicationId: '1300000000000000001',
  botUser: { id: '1300000000000000001', username: 'Parley', discriminator: '0', global_name: 'Parley', avatar: null, bot: true },
  guildId: '1300000000000000100',
  channelId: '1300000000000000200',
  threadId: '1300000000000000300',
} as const;

export interface FakeUser {
  id: string;
  username: string;
  /** The account's display name (global_name); null when unset. */
  globalName?: string;
  /** The server nickname. */
  nick?: string;
  /** A bot account (an integration, a feed). */
  bot?: boolean;
}

/** A Discord error body, e.g. 403 with code 50013 Missing Permissions. */
export interface FakeError {
  status: number;
  code: number;
  message: string;
}

export interface RestCall {
  method: string;
  /** Decoded, without /api/v10 and the query. */
  path: string;
  query: URLSearchParams;
  body: Record<string, unknown> | undefined;
  at: number;
  status: number;
}

interface Frame {
  op: number;
  d: unknown;
  s?: number | null;
  t?: string | null;
}

const USER = (u: FakeUser) => ({ id: u.id, username: u.username, discriminator: '0', global_name: u.globalName ?? null, avatar: null, ...(u.bot && { bot: true }) });

/**
 * A Discord on 127.0.0.1 that speaks the real protocols: the gateway over a WebSocket (HELLO,
 * IDENTIFY → READY + GUILD_CREATE, heartbeats, RESUME with replay of missed dispatches, op 7) and
 * the REST routes Parley uses under /api/v10. One guild with a text channel and a thread. Every
 * REST request is recorded with its JSON body.
 */
export class FakeDiscord {
  readonly calls: RestCall[] = [];
  readonly identifies: Record<string, unknown>[] = [];
  readonly resumes: Record<string, unknown>[] = [];
  readonly messages = new Map<string, Record<string, unknown>[]>();
  readonly users = new Map<string, FakeUser>();
  /** Interaction tokens Discord would accept, with their creation time; expired ones get 401 50027. */
  readonly tokens = new Map<string, number>();
  /** Errors that reading a channel's messages answers with, by channel id. */
  readonly historyErrors = new Map<string, FakeError>();
  /** Channels besides the default text channel and thread: text channels, or threads with a parent. */
  private readonly extraChannels = new Map<string, { name: string; parentId?: string }>();
  tokenLifetimeMs = 15 * 60_000;
  private server!: Server;
  private wss!: WebSocketServer;
  private socket: WebSocket | undefined;
  private seq = 0;
  private readonly sent: Frame[] = [];
  private sessionId = 'fake-session-1';
  port = 0;

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get connected(): boolean {
    return this.socket !== undefined;
  }

  async start(): Promise<void> {
    this.server = createServer((req, res) => void this.rest(req, res));
    this.wss = new WebSocketServer({ server: this.server, path: '/gateway' });
    this.wss.on('connection', (ws) => this.gateway(ws));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.port = (this.server.address() as AddressInfo).port;
    for (const id of [FAKE_DISCORD.channelId, FAKE_DISCORD.threadId]) this.messages.set(id, []);
  }

  async stop(): Promise<void> {
    for (const c of this.wss.clients) c.terminate();
    this.wss.close();
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  /**
   * Adds a text channel, or a thread when `parentId` is given, to the guild; call it before the
   * bot logs in so that GUILD_CREATE carries it.
   */
  addChannel(id: string, opts: { name: string; parentId?: string }): void {
    this.extraChannels.set(id, opts);
    this.messages.set(id, []);
  }

  /** Adds a message to a channel's history (oldest first) and returns it. */
  addMessage(channelId: string, author: FakeUser, content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    const message = this.messageObject(channelId, USER(author), content, extra);
    this.messages.get(channelId)!.push(message);
    return message;
  }

  /** Sends a dispatch; while the client is away it is kept for RESUME to replay. */
  dispatch(t: string, d: unknown): number {
    const frame = { op: 0, t, d, s: ++this.seq };
    this.sent.push(frame);
    this.socket?.send(JSON.stringify(frame));
    return frame.s;
  }

  /** A mention of Parley by `author` in `channelId`, through the gateway. */
  mention(channelId: string, author: FakeUser, text: string): Record<string, unknown> {
    const message = this.addMessage(channelId, author, `<@${FAKE_DISCORD.botUser.id}> ${text}`, { mentions: [FAKE_DISCORD.botUser] });
    this.dispatch('MESSAGE_CREATE', { ...message, guild_id: FAKE_DISCORD.guildId, member: this.member(author) });
    return message;
  }

  /** A slash command or message context menu as INTERACTION_CREATE; returns its id and token. */
  interact(
    data: Record<string, unknown>,
    opts: { user: FakeUser; channelId?: string; permissions?: bigint },
  ): { id: string; token: string; sentAt: number } {
    const id = snowflake();
    const token = `tok-${id}`;
    this.tokens.set(token, Date.now());
    const channelId = opts.channelId ?? FAKE_DISCORD.channelId;
    const permissions = String(opts.permissions ?? (1n << 10n) | (1n << 11n));
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: FAKE_DISCORD.applicationId,
      type: 2,
      token,
      version: 1,
      data: { id: snowflake(), ...data },
      guild_id: FAKE_DISCORD.guildId,
      guild: { id: FAKE_DISCORD.guildId, locale: 'en-US', features: [] },
      channel_id: channelId,
      channel: this.channelObject(channelId),
      member: { ...this.member(opts.user), permissions },
      app_permissions: String((1n << 10n) | (1n << 11n) | (1n << 16n)),
      locale: 'en-US',
      guild_locale: 'en-US',
      entitlements: [],
      authorizing_integration_owners: { '0': FAKE_DISCORD.guildId },
      context: 0,
      attachment_size_limit: 10_485_760,
    });
    return { id, token, sentAt: Date.now() };
  }

  /** A token Discord would accept for an interaction's webhook, without dispatching an interaction. */
  issueToken(): string {
    const token = `tok-${snowflake()}`;
    this.tokens.set(token, Date.now());
    return token;
  }

  /** Sends op 7 RECONNECT: the client should close and RESUME on resume_gateway_url. */
  requestReconnect(): void {
    this.socket?.send(JSON.stringify({ op: 7, d: null }));
  }

  /** The seq of the last dispatch sent. */
  get lastSeq(): number {
    return this.seq;
  }

  member(u: FakeUser): Record<string, unknown> {
    return { user: USER(u), nick: u.nick ?? null, roles: [], joined_at: '2026-01-01T00:00:00.000Z', deaf: false, mute: false, flags: 0 };
  }

  private messageObject(channelId: string, author: Record<string, unknown>, content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return {
      id: snowflake(),
      channel_id: channelId,
      author,
      content,
      timestamp: new Date().toISOString(),
      edited_timestamp: null,
      tts: false,
      mention_everyone: false,
      mentions: [],
      mention_roles: [],
      attachments: [],
      embeds: [],
      pinned: false,
      type: 0,
      flags: 0,
      components: [],
      ...extra,
    };
  }

  private channelObject(id: string): Record<string, unknown> {
    const extra = this.extraChannels.get(id);
    if (id === FAKE_DISCORD.threadId || extra?.parentId) {
      return {
        id,
        type: 11,
        guild_id: FAKE_DISCORD.guildId,
        parent_id: extra?.parentId ?? FAKE_DISCORD.channelId,
        name: extra?.name ?? 'release-plan',
        owner_id: '1300000000000000901',
        thread_metadata: { archived: false, auto_archive_duration: 1440, archive_timestamp: '2026-01-01T00:00:00.000Z', locked: false },
        message_count: 3,
        member_count: 3,
        flags: 0,
      };
    }
    return { id, type: 0, guild_id: FAKE_DISCORD.guildId, name: extra?.name ?? 'general', position: 0, permission_overwrites: [], flags: 0 };
  }

  private gateway(ws: WebSocket): void {
    this.socket = ws;
    const send = (frame: Frame) => ws.send(JSON.stringify(frame));
    send({ op: 10, d: { heartbeat_interval: 41_250 } });
    ws.on('close', () => {
      if (this.socket === ws) this.socket = undefined;
    });
    ws.on('message', (raw) => {
      const frame = JSON.parse(String(raw)) as Frame & { d: Record<string, unknown> };
      if (frame.op === 1) send({ op: 11, d: null });
      else if (frame.op === 2) {
        this.identifies.push(frame.d);
        if (frame.d['token'] !== FAKE_DISCORD.token) {
          ws.close(4004, 'Authentication failed');
          return;
        }
        this.dispatch('READY', {
          v: 10,
          user: FAKE_DISCORD.botUser,
          guilds: [{ id: FAKE_DISCORD.guildId, unavailable: true }],
          session_id: this.sessionId,
          resume_gateway_url: `ws://127.0.0.1:${this.port}/gateway`,
          shard: [0, 1],
          application: { id: FAKE_DISCORD.applicationId, flags: 0 },
        });
        this.dispatch('GUILD_CREATE', this.guildCreate());
      } else if (frame.op === 6) {
        this.resumes.push(frame.d);
        if (frame.d['session_id'] !== this.sessionId) {
          send({ op: 9, d: false });
          return;
        }
        const after = Number(frame.d['seq']);
        for (const missed of this.sent.filter((f) => (f.s ?? 0) > after)) ws.send(JSON.stringify(missed));
        this.dispatch('RESUMED', null);
      }
    });
  }

  private guildCreate(): Record<string, unknown> {
    const { guildId, channelId, threadId } = FAKE_DISCORD;
    return {
      id: guildId,
      name: 'Parley Test',
      icon: null,
      owner_id: '1300000000000000900',
      afk_timeout: 300,
      verification_level: 0,
      default_message_notifications: 0,
      explicit_content_filter: 0,
      mfa_level: 0,
      premium_tier: 0,
      nsfw_level: 0,
      preferred_locale: 'en-US',
      features: [],
      roles: [{ id: guildId, name: '@everyone', permissions: String((1n << 10n) | (1n << 11n) | (1n << 16n)), position: 0, color: 0, hoist: false, managed: false, mentionable: false, flags: 0 }],
      channels: [channelId, ...[...this.extraChannels].filter(([, c]) => !c.parentId).map(([id]) => id)].map((id) => this.channelObject(id)),
      threads: [threadId, ...[...this.extraChannels].filter(([, c]) => c.parentId).map(([id]) => id)].map((id) => this.channelObject(id)),
      members: [this.member({ id: FAKE_DISCORD.botUser.id, username: 'Parley' })],
      emojis: [],
      stickers: [],
      presences: [],
      voice_states: [],
      stage_instances: [],
      guild_scheduled_events: [],
      soundboard_sounds: [],
      member_count: 4,
      large: false,
      unavailable: false,
      joined_at: '2026-01-01T00:00:00.000Z',
    };
  }

  private async rest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString();
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = decodeURIComponent(url.pathname).replace(/^\/api\/v10/, '');
    const call: RestCall = { method: req.method ?? 'GET', path, query: url.searchParams, body: raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined, at: Date.now(), status: 200 };
    this.calls.push(call);
    const reply = (status: number, body?: unknown) => {
      call.status = status;
      if (body === undefined) res.writeHead(status).end();
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const seg = path.split('/').filter(Boolean);
    const bot = req.headers.authorization === `Bot ${FAKE_DISCORD.token}`;
    const m = `${call.method} ${seg.map((s, i) => (/^\d+$/.test(s) || (seg[i - 1] === 'webhooks' && i === 2) || (seg[0] === 'interactions' && i === 2) ? ':x' : s)).join('/')}`;
    const tokenAlive = (token: string) => {
      const at = this.tokens.get(token);
      return at !== undefined && Date.now() - at < this.tokenLifetimeMs;
    };
    if (m.startsWith('POST interactions/:x/:x/callback')) return reply(tokenAlive(seg[2]!) ? 204 : 404, tokenAlive(seg[2]!) ? undefined : { code: 10062, message: 'Unknown interaction' });
    if (seg[0] === 'webhooks') {
      if (!tokenAlive(seg[2]!)) return reply(401, { code: 50027, message: 'Invalid Webhook Token' });
      return reply(200, this.messageObject(FAKE_DISCORD.channelId, FAKE_DISCORD.botUser, String(call.body?.['content'] ?? ''), { webhook_id: FAKE_DISCORD.applicationId, application_id: FAKE_DISCORD.applicationId }));
    }
    if (!bot) return reply(401, { code: 0, message: '401: Unauthorized' });
    switch (m) {
      case 'GET gateway/bot':
        return reply(200, { url: `ws://127.0.0.1:${this.port}/gateway`, shards: 1, session_start_limit: { total: 1000, remaining: 999, reset_after: 0, max_concurrency: 1 } });
      case 'GET channels/:x':
        return this.messages.has(seg[1]!) ? reply(200, this.channelObject(seg[1]!)) : reply(404, { code: 10003, message: 'Unknown Channel' });
      case 'GET channels/:x/messages': {
        const refused = this.historyErrors.get(seg[1]!);
        if (refused) return reply(refused.status, { code: refused.code, message: refused.message });
        const all = [...(this.messages.get(seg[1]!) ?? [])].reverse();
        const before = url.searchParams.get('before');
        const from = before ? all.findIndex((x) => BigInt(x['id'] as string) < BigInt(before)) : 0;
        const limit = Number(url.searchParams.get('limit') ?? 50);
        return reply(200, from < 0 ? [] : all.slice(from, from + limit));
      }
      case 'GET channels/:x/messages/:x': {
        const found = this.messages.get(seg[1]!)?.find((x) => x['id'] === seg[3]);
        return found ? reply(200, found) : reply(404, { code: 10008, message: 'Unknown Message' });
      }
      case 'POST channels/:x/messages': {
        const ref = call.body?.['message_reference'] as Record<string, unknown> | undefined;
        const message = this.messageObject(seg[1]!, FAKE_DISCORD.botUser, String(call.body?.['content'] ?? ''), ref ? { message_reference: { ...ref, channel_id: seg[1] }, type: 19 } : {});
        this.messages.get(seg[1]!)?.push(message);
        return reply(200, message);
      }
      case 'PATCH channels/:x/messages/:x': {
        const found = this.messages.get(seg[1]!)?.find((x) => x['id'] === seg[3]);
        if (!found) return reply(404, { code: 10008, message: 'Unknown Message' });
        found['content'] = call.body?.['content'];
        return reply(200, found);
      }
      case 'GET guilds/:x/members/:x': {
        const user = this.users.get(seg[3]!);
        return user ? reply(200, this.member(user)) : reply(404, { code: 10007, message: 'Unknown Member' });
      }
      case 'PUT applications/:x/guilds/:x/commands':
      case 'PUT applications/:x/commands':
        return reply(200, (call.body as unknown as Record<string, unknown>[]).map((c) => ({ ...c, id: snowflake(), application_id: seg[1], version: snowflake() })));
      default:
        return reply(404, { code: 0, message: `fake discord: no route for ${m}` });
    }
  }
}
