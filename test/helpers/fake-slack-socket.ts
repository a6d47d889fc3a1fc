import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FakeSlack } from './fake-slack.js';

export const FAKE_APP_TOKEN = 'xapp-1-A0PARLEY-test-app-token';
/** Slack's deadline for acknowledging an envelope; a later ack counts as a failure. */
export const ACK_DEADLINE_MS = 3000;

export type EnvelopeType = 'events_api' | 'slash_commands' | 'interactive';

export interface EnvelopeOptions {
  envelopeId?: string;
  /** Slack's default per type: false for events, true for commands and interactions. */
  acceptsResponsePayload?: boolean;
  retryAttempt?: number;
  retryReason?: string;
}

/** One ack frame the client sent back: `{envelope_id, payload}`. */
export interface SocketAck {
  envelopeId: string;
  type: EnvelopeType;
  payload: Record<string, unknown>;
  latencyMs: number;
  /** Arrived after ACK_DEADLINE_MS: Slack would already have treated the envelope as failed. */
  late: boolean;
}

export class AckTimeoutError extends Error {
  override readonly name = 'AckTimeoutError';
}

interface Pending {
  type: EnvelopeType;
  sentAt: number;
  resolve: (ack: SocketAck) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Slack's Socket Mode on 127.0.0.1, next to a FakeSlack: `apps.connections.open` (Bearer app
 * token) hands out a single-use ws:// URL, each connection is greeted with `hello`, and tests
 * push envelopes whose ack frames are recorded with their latency.
 */
export class FakeSlackSocket {
  readonly acks: SocketAck[] = [];
  /** Frames from the client that were not the ack of a pending envelope. */
  readonly strayFrames: unknown[] = [];
  /** Connections accepted so far, including closed ones. */
  connectionsAccepted = 0;
  /** The close code of every connection that has closed: 1000 when the client closed it cleanly. */
  readonly closeCodes: number[] = [];
  /** When true, new connections get no `hello`: a client left waiting mid-(re)connect. */
  holdHello = false;
  private readonly sockets = new Set<WebSocket>();
  private readonly greeted = new WeakSet<WebSocket>();
  private readonly tickets = new Set<string>();
  private readonly pending = new Map<string, Pending>();
  private wss: WebSocketServer | undefined;
  private port = 0;

  constructor(
    private readonly slack: FakeSlack,
    readonly appToken = FAKE_APP_TOKEN,
  ) {}

  async start(): Promise<void> {
    this.wss = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      verifyClient: ({ req }: { req: IncomingMessage }): boolean => {
        const ticket = new URL(req.url ?? '/', 'ws://x').searchParams.get('ticket') ?? '';
        return this.tickets.delete(ticket);
      },
    });
    await new Promise<void>((resolve) => this.wss!.once('listening', resolve));
    this.port = (this.wss.address() as AddressInfo).port;
    this.wss.on('connection', (socket) => this.accept(socket));
    this.slack.extraMethods.set('apps.connections.open', (_args, token) => {
      if (token !== this.appToken) return { ok: false, error: 'invalid_auth' };
      const ticket = randomUUID();
      this.tickets.add(ticket);
      return { ok: true, url: `ws://127.0.0.1:${this.port}/link/?ticket=${ticket}` };
    });
  }

  /** Open connections that have been sent `hello`. */
  get liveConnections(): number {
    return [...this.sockets].filter((s) => this.greeted.has(s)).length;
  }

  /** Sends `hello` to connections that were held back. */
  greetWaiting(): void {
    for (const socket of this.sockets) if (!this.greeted.has(socket)) this.greet(socket);
  }

  /** Asks every client to reconnect, as Slack does before recycling a server. */
  requestReconnect(reason = 'refresh_requested'): void {
    for (const socket of this.sockets) socket.send(JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'fake-slack' } }));
  }

  /**
   * Pushes one envelope to the newest live connection (Slack hands each envelope to one socket).
   * Resolves with the ack; rejects with AckTimeoutError when none arrives within 3 s.
   */
  send(type: EnvelopeType, payload: object, opts: EnvelopeOptions = {}): Promise<SocketAck> {
    const socket = [...this.sockets].reverse().find((s) => this.greeted.has(s));
    if (!socket) return Promise.reject(new Error('no Socket Mode connection to send on'));
    const envelopeId = opts.envelopeId ?? randomUUID();
    const envelope: Record<string, unknown> = {
      envelope_id: envelopeId,
      type,
      payload,
      accepts_response_payload: opts.acceptsResponsePayload ?? type !== 'events_api',
    };
    if (type === 'events_api') {
      envelope['retry_attempt'] = opts.retryAttempt ?? 0;
      envelope['retry_reason'] = opts.retryReason ?? '';
    }
    return new Promise<SocketAck>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new AckTimeoutError(`no ack for ${type} envelope ${envelopeId} within ${ACK_DEADLINE_MS} ms`));
      }, ACK_DEADLINE_MS);
      this.pending.set(envelopeId, { type, sentAt: performance.now(), resolve, reject, timer });
      socket.send(JSON.stringify(envelope));
    });
  }

  async stop(): Promise<void> {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`fake Slack stopped before envelope ${id} was acked`));
    }
    this.pending.clear();
    for (const socket of this.sockets) socket.terminate();
    this.slack.extraMethods.delete('apps.connections.open');
    await new Promise<void>((resolve) => (this.wss ? this.wss.close(() => resolve()) : resolve()));
  }

  private accept(socket: WebSocket): void {
    this.connectionsAccepted++;
    this.sockets.add(socket);
    socket.on('close', (code) => {
      this.sockets.delete(socket);
      this.closeCodes.push(code);
    });
    socket.on('message', (data, isBinary) => this.onFrame(isBinary ? null : data.toString()));
    if (!this.holdHello) this.greet(socket);
  }

  private greet(socket: WebSocket): void {
    this.greeted.add(socket);
    socket.send(
      JSON.stringify({
        type: 'hello',
        num_connections: this.sockets.size,
        debug_info: { host: 'fake-slack', approximate_connection_time: 18060 },
        connection_info: { app_id: 'A0PARLEY' },
      }),
    );
  }

  private onFrame(text: string | null): void {
    let frame: { envelope_id?: unknown; payload?: unknown };
    try {
      frame = JSON.parse(text ?? 'null') as typeof frame;
    } catch {
      this.strayFrames.push(text);
      return;
    }
    const id = typeof frame?.envelope_id === 'string' ? frame.envelope_id : undefined;
    const record = id === undefined ? undefined : this.pending.get(id);
    if (!record) {
      this.strayFrames.push(frame);
      return;
    }
    this.pending.delete(id!);
    clearTimeout(record.timer);
    const latencyMs = performance.now() - record.sentAt;
    const ack: SocketAck = {
      envelopeId: id!,
      type: record.type,
      payload: (frame.payload ?? {}) as Record<string, unknown>,
      latencyMs,
      late: latencyMs > ACK_DEADLINE_MS,
    };
    this.acks.push(ack);
    record.resolve(ack);
  }
}
