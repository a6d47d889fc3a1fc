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
  /** A server where a user installed Parley but its bot is not a member, and a channel of it. */
  foreignGuildId: '1300000000000001100',
  foreignChannelId: '1300000000000001200',
  /** A private channel (a DM between users) where only a user install can be used. */
  privateChannelId: '1300000000000001300',
} as const;

/** Discord's message flags and limits that the fake checks messages against. */
export const IS_COMPONENTS_V2 = 1 << 15;
const V2_MAX_COMPONENTS = 40;
const V2_MAX_TEXT = 4000;
const USER_INSTALL_FOLLOW_UPS = 5;

/** Where an interaction comes from: a server with Parley's bot, a server where only the user installed Parley, or a private channel. */
export type FakeInstall = 'guild' | 'user-in-guild' | 'private-channel';

interface Component {
  type: number;
  content?: string;
  custom_id?: string;
  components?: Component[];
}

function allComponents(list: readonly Component[] | undefined): Component[] {
  return (list ?? []).flatMap((c) => [c, ...allComponents(c.components)]);
}

/** What a person sees of a message: its content, or the text of its Components V2 text displays. */
export function visibleText(message: Record<string, unknown> | undefined): string {
  if (!message) return '';
  const texts = allComponents(message['components'] as Component[] | undefined)
    .filter((c) => c.type === 10)
    .map((c) => c.content ?? '');
  return [typeof message['content'] === 'string' ? message['content'] : '', ...texts].filter(Boolean).join('\n');
}

/** The custom_ids of a message's buttons. */
export function buttonIds(message: Record<string, unknown> | undefined): string[] {
  return allComponents(message?.['components'] as Component[] | undefined)
    .filter((c) => c.type === 2 && c.custom_id)
    .map((c) => c.custom_id!);
}

const invalidForm = (why: string): FakeError => ({ status: 400, code: 50035, message: `Invalid Form Body (${why})` });

/**
 * Checks a message body as Discord does, against the message it edits if any: with
 * IS_COMPONENTS_V2 no content or embeds (an edit that opts in must clear them), at most 40
 * components and 4,000 characters of text, and the flag never removed; without it, content of
 * at most 2,000 characters and no V2 components.
 */
export function checkMessage(body: Record<string, unknown> | undefined, existing?: Record<string, unknown>): FakeError | undefined {
  if (!body) return undefined;
  const before = Number(existing?.['flags'] ?? 0);
  const asked = body['flags'] === undefined || body['flags'] === null ? undefined : Number(body['flags']);
  if (before & IS_COMPONENTS_V2 && asked !== undefined && !(asked & IS_COMPONENTS_V2)) return invalidForm('flags: IS_COMPONENTS_V2 cannot be removed');
  const v2 = Boolean((before | (asked ?? 0)) & IS_COMPONENTS_V2);
  const components = allComponents(body['components'] as Component[] | undefined);
  const content = body['content'];
  if (v2) {
    if (typeof content === 'string' && content !== '') return invalidForm('content: cannot be used with IS_COMPONENTS_V2');
    if (Array.isArray(body['embeds']) && body['embeds'].length > 0) return invalidForm('embeds: cannot be used with IS_COMPONENTS_V2');
    if (!(before & IS_COMPONENTS_V2) && existing && String(existing['content'] ?? '') !== '' && content !== null) return invalidForm('content: must be cleared to opt into IS_COMPONENTS_V2');
    if (components.length > V2_MAX_COMPONENTS) return invalidForm(`components: at most ${V2_MAX_COMPONENTS}`);
    const text = components.filter((c) => c.type === 10).reduce((n, c) => n + (c.content ?? '').length, 0);
    if (text > V2_MAX_TEXT) return invalidForm(`components: at most ${V2_MAX_TEXT} characters of text`);
    if (components.some((c) => c.type === 10 && !c.content)) return invalidForm('components: a text display needs content');
  } else {
    if (typeof content === 'string' && content.length > 2000) return invalidForm('content: at most 2000 characters');
    if (components.some((c) => c.type === 10 || c.type === 17)) return invalidForm('components: needs IS_COMPONENTS_V2');
  }
  for (const c of components) {
    if (c.type === 2 && c.custom_id !== undefined && (c.custom_id.length < 1 || c.custom_id.length > 100)) return invalidForm('custom_id: 1 to 100 characters');
    if (c.type === 1 && (c.components?.length ?? 0) > 5) return invalidForm('action row: at most 5 buttons');
  }
  return undefined;
}

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
  /** Tokens of interactions from where only a user installed Parley: at most 5 follow-ups each. */
  readonly userInstallTokens = new Set<string>();
  /** Each interaction's messages as Discord keeps them: the original response, then the follow-ups. */
  readonly interactionMessages = new Map<string, { original?: Record<string, unknown>; followUps: Record<string, unknown>[] }>();
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

  /** A message in a channel whose history the bot cannot read (where only a user installed Parley), e.g. a context menu's target. */
  messageElsewhere(channelId: string, author: FakeUser, content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
    return this.messageObject(channelId, USER(author), content, extra);
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

  /** A reply by `author` to `target` that pings no one (no mention of Parley), through the gateway. */
  replyTo(target: Record<string, unknown>, author: FakeUser, text: string): Record<string, unknown> {
    const channelId = target['channel_id'] as string;
    const message = this.addMessage(channelId, author, text, { type: 19, message_reference: { message_id: target['id'], channel_id: channelId, guild_id: FAKE_DISCORD.guildId } });
    this.dispatch('MESSAGE_CREATE', { ...message, referenced_message: target, guild_id: FAKE_DISCORD.guildId, member: this.member(author) });
    return message;
  }

  /** A slash command or message context menu as INTERACTION_CREATE; returns its id and token. */
  interact(
    data: Record<string, unknown>,
    opts: { user: FakeUser; channelId?: string; permissions?: bigint; install?: FakeInstall; type?: number; message?: Record<string, unknown> },
  ): { id: string; token: string; sentAt: number } {
    const id = snowflake();
    const token = `tok-${id}`;
    this.tokens.set(token, Date.now());
    const install = opts.install ?? 'guild';
    if (install !== 'guild') this.userInstallTokens.add(token);
    const permissions = String(opts.permissions ?? (1n << 10n) | (1n << 11n));
    const where: Record<string, unknown> =
      install === 'private-channel'
        ? {
            channel_id: FAKE_DISCORD.privateChannelId,
            channel: { id: FAKE_DISCORD.privateChannelId, type: 1, recipients: [USER(opts.user)], last_message_id: null, flags: 0 },
            user: USER(opts.user),
            context: 2,
            authorizing_integration_owners: { '1': opts.user.id },
          }
        : {
            ...(install === 'guild'
              ? { guild_id: FAKE_DISCORD.guildId, guild: { id: FAKE_DISCORD.guildId, locale: 'en-US', features: [] }, authorizing_integration_owners: { '0': FAKE_DISCORD.guildId } }
              : { guild_id: FAKE_DISCORD.foreignGuildId, guild: { id: FAKE_DISCORD.foreignGuildId, locale: 'en-US', features: [] }, authorizing_integration_owners: { '1': opts.user.id } }),
            channel_id: opts.channelId ?? (install === 'guild' ? FAKE_DISCORD.channelId : FAKE_DISCORD.foreignChannelId),
            channel: install === 'guild' ? this.channelObject(opts.channelId ?? FAKE_DISCORD.channelId) : { id: FAKE_DISCORD.foreignChannelId, type: 0, guild_id: FAKE_DISCORD.foreignGuildId, name: 'elsewhere', position: 0, permission_overwrites: [], flags: 0 },
            member: { ...this.member(opts.user), permissions },
            guild_locale: 'en-US',
            context: 0,
          };
    this.dispatch('INTERACTION_CREATE', {
      id,
      application_id: FAKE_DISCORD.applicationId,
      type: opts.type ?? 2,
      token,
      version: 1,
      data: opts.type === 3 ? data : { id: snowflake(), ...data },
      ...where,
      ...(opts.message && { message: opts.message }),
      // Where only the user installed Parley, the app has no permissions of its own beyond the interaction.
      app_permissions: String(install === 'guild' ? (1n << 10n) | (1n << 11n) | (1n << 16n) : 0n),
      locale: 'en-US',
      entitlements: [],
      attachment_size_limit: 10_485_760,
    });
    return { id, token, sentAt: Date.now() };
  }

  /** A click on a button of `message` (as the fake keeps it) by `user`, as a MESSAGE_COMPONENT interaction. */
  click(message: Record<string, unknown>, customId: string, opts: { user: FakeUser; install?: FakeInstall }): { id: string; token: string; sentAt: number } {
    return this.interact({ custom_id: customId, component_type: 2 }, { ...opts, type: 3, message });
  }

  /** The messages of an interaction as Discord shows them: the original response, then the follow-ups. */
  shownFor(token: string): Record<string, unknown>[] {
    const kept = this.interactionMessages.get(token);
    return kept ? [...(kept.original ? [kept.original] : []), ...kept.followUps] : [];
  }

  /** A token Discord would accept for an interaction's webhook, as if the interaction had been deferred, without dispatching one. */
  issueToken(opts: { userInstallOnly?: boolean } = {}): string {
    const token = `tok-${snowflake()}`;
    this.tokens.set(token, Date.now());
    if (opts.userInstallOnly) this.userInstallTokens.add(token);
    this.interactionMessages.set(token, { original: this.webhookMessage(undefined), followUps: [] });
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

  private webhookMessage(body: Record<string, unknown> | undefined): Record<string, unknown> {
    return this.messageObject(FAKE_DISCORD.channelId, FAKE_DISCORD.botUser, String(body?.['content'] ?? ''), {
      webhook_id: FAKE_DISCORD.applicationId,
      application_id: FAKE_DISCORD.applicationId,
      flags: Number(body?.['flags'] ?? 0),
      components: body?.['components'] ?? [],
    });
  }

  /** A message after an edit: only the fields the edit names change; flags once set (V2, ephemeral) stay. */
  private edited(message: Record<string, unknown>, body: Record<string, unknown>): Record<string, unknown> {
    const flags = Number(message['flags'] ?? 0) | (body['flags'] === undefined || body['flags'] === null ? 0 : Number(body['flags']));
    return {
      ...('content' in body && { content: body['content'] ?? '' }),
      ...('components' in body && { components: body['components'] ?? [] }),
      ...('embeds' in body && { embeds: body['embeds'] ?? [] }),
      flags,
      edited_timestamp: new Date().toISOString(),
    };
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
    const refuse = (e: FakeError) => reply(e.status, { code: e.code, message: e.message });
    const webhookMessage = (body: Record<string, unknown> | undefined) => this.webhookMessage(body);
    if (m.startsWith('POST interactions/:x/:x/callback')) {
      const token = seg[2]!;
      if (!tokenAlive(token)) return reply(404, { code: 10062, message: 'Unknown interaction' });
      const kept = this.interactionMessages.get(token);
      if (kept) return reply(400, { code: 40060, message: 'Interaction has already been acknowledged.' });
      const data = call.body?.['data'] as Record<string, unknown> | undefined;
      const invalid = call.body?.['type'] === 4 ? checkMessage(data) : undefined;
      if (invalid) return refuse(invalid);
      this.interactionMessages.set(token, { original: webhookMessage(data), followUps: [] });
      return reply(204);
    }
    if (seg[0] === 'webhooks') {
      const token = seg[2]!;
      if (!tokenAlive(token)) return reply(401, { code: 50027, message: 'Invalid Webhook Token' });
      const kept = this.interactionMessages.get(token) ?? { followUps: [] };
      this.interactionMessages.set(token, kept);
      if (call.method === 'PATCH' && seg[4] === '@original') {
        if (!kept.original) return reply(404, { code: 10008, message: 'Unknown Message' });
        const invalid = checkMessage(call.body, kept.original);
        if (invalid) return refuse(invalid);
        Object.assign(kept.original, this.edited(kept.original, call.body!));
        return reply(200, kept.original);
      }
      if (call.method === 'POST') {
        if (this.userInstallTokens.has(token) && kept.followUps.length >= USER_INSTALL_FOLLOW_UPS) {
          return reply(400, { code: 40094, message: 'This interaction has hit the maximum number of follow up messages' });
        }
        const invalid = checkMessage(call.body);
        if (invalid) return refuse(invalid);
        const message = webhookMessage(call.body);
        kept.followUps.push(message);
        return reply(200, message);
      }
      return reply(404, { code: 0, message: `fake discord: no route for ${m}` });
    }
    if (!bot) return reply(401, { code: 0, message: '401: Unauthorized' });
    // The bot is not a member where only a user installed Parley: it can neither read nor post there.
    if (seg[0] === 'channels' && [FAKE_DISCORD.foreignChannelId, FAKE_DISCORD.privateChannelId].includes(seg[1] as never)) return reply(403, { code: 50001, message: 'Missing Access' });
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
        const invalid = checkMessage(call.body);
        if (invalid) return refuse(invalid);
        const ref = call.body?.['message_reference'] as Record<string, unknown> | undefined;
        const message = this.messageObject(seg[1]!, FAKE_DISCORD.botUser, String(call.body?.['content'] ?? ''), {
          flags: Number(call.body?.['flags'] ?? 0),
          components: call.body?.['components'] ?? [],
          ...(ref && { message_reference: { ...ref, channel_id: seg[1] }, type: 19 }),
        });
        this.messages.get(seg[1]!)?.push(message);
        return reply(200, message);
      }
      case 'PATCH channels/:x/messages/:x': {
        const found = this.messages.get(seg[1]!)?.find((x) => x['id'] === seg[3]);
        if (!found) return reply(404, { code: 10008, message: 'Unknown Message' });
        const invalid = checkMessage(call.body, found);
        if (invalid) return refuse(invalid);
        Object.assign(found, this.edited(found, call.body ?? {}));
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
