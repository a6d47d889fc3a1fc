import { randomUUID } from 'node:crypto';
import { FAKE_BOT, FAKE_TEAM, type FakeSlack, type FakeSlackMessage, type FakeSlackView } from './fake-slack.js';
import type { EnvelopeType, FakeSlackSocket } from './fake-slack-socket.js';
import { appHomeOpened, viewSubmission, type FormEntries } from './slack-interactions.js';
import { postEvent, postSlashCommand } from './slack-request.js';

export type Transport = 'http' | 'socket';

/** What the bot answered within Slack's 3 s: the HTTP response, or the Socket Mode ack frame. */
export interface SlackAck {
  /** HTTP status; 200 for an ack frame. */
  status: number;
  /**
   * The JSON the bot acked with, the same on both transports: the HTTP response body, or the ack
   * frame's `payload` (e.g. a command's ephemeral text, or a view_submission's
   * `{response_action: "errors", errors}`); undefined for a bare ack.
   */
  body: Record<string, unknown> | undefined;
  latencyMs: number;
}

export interface Who {
  user?: string;
  channel?: string;
  triggerId?: string;
}

export interface Delivery {
  /** Slack's redelivery count: `X-Slack-Retry-Num` over HTTP, `retry_attempt` on a socket. */
  retryNum?: number;
  retryReason?: string;
}

export const APP_ID = 'A0PARLEY';
export const DEFAULT_USER = 'U0MAYA';
export const DEFAULT_CHANNEL = 'C0GENERAL';

/**
 * Drives a Parley bot the way Slack would, over either transport, with payloads shaped as
 * Slack sends them. Surfaces build on the three generic calls: a slash command, an
 * interactive payload of any type (shortcuts, block actions, view submissions…), and an
 * Events API callback of any event.
 */
export abstract class SlackDriver {
  abstract readonly transport: Transport;

  constructor(protected readonly fake: FakeSlack) {}

  sendCommand(command: string, text: string, who: Who = {}): Promise<SlackAck> {
    const triggerId = who.triggerId ?? randomUUID();
    return this.deliverCommand({
      token: 'legacy-verification-token',
      team_id: FAKE_TEAM.id,
      team_domain: FAKE_TEAM.name,
      channel_id: who.channel ?? DEFAULT_CHANNEL,
      channel_name: 'general',
      user_id: who.user ?? DEFAULT_USER,
      user_name: (who.user ?? DEFAULT_USER).toLowerCase(),
      command,
      text,
      api_app_id: APP_ID,
      is_enterprise_install: 'false',
      response_url: this.fake.responseUrl(triggerId),
      trigger_id: triggerId,
    });
  }

  /** A message shortcut (`message_action`) on `message`, e.g. "Summarize thread". */
  sendShortcut(callbackId: string, message: { ts: string; thread_ts?: string; user?: string; text?: string }, who: Who = {}): Promise<SlackAck> {
    const user = who.user ?? DEFAULT_USER;
    return this.sendInteractive({
      type: 'message_action',
      callback_id: callbackId,
      trigger_id: who.triggerId ?? randomUUID(),
      action_ts: `${Math.floor(Date.now() / 1000)}.000000`,
      team: { id: FAKE_TEAM.id, domain: FAKE_TEAM.name },
      channel: { id: who.channel ?? DEFAULT_CHANNEL, name: 'general' },
      user: { id: user, name: user.toLowerCase(), team_id: FAKE_TEAM.id },
      message: { type: 'message', user: message.user ?? user, text: message.text ?? '', ...message },
      message_ts: message.ts,
    });
  }

  /**
   * Any interactive payload: `type` says which (message_action, shortcut, block_actions,
   * view_submission…). `token`, `api_app_id` and, when a trigger_id is present, a fake
   * response_url are filled in unless given.
   */
  sendInteractive(payload: { type: string; trigger_id?: string } & Record<string, unknown>): Promise<SlackAck> {
    const full: Record<string, unknown> = { token: 'legacy-verification-token', api_app_id: APP_ID, is_enterprise_install: false, ...payload };
    if (payload.trigger_id && !('response_url' in payload) && payload.type !== 'view_submission') full['response_url'] = this.fake.responseUrl(payload.trigger_id);
    return this.deliverInteractive(full);
  }

  /**
   * Submits a view the app opened (views.open), as `user` fills it in: a `view_submission`
   * interactive payload. Bolt's answer (`response_action` errors, update, or a bare ack that closes
   * the modal) is the ack's body on both transports.
   */
  submitView(opened: FakeSlackView, user: string, entries: FormEntries, team = FAKE_TEAM.id): Promise<SlackAck> {
    return this.sendInteractive(viewSubmission(opened, user, entries, team) as { type: string } & Record<string, unknown>);
  }

  /** `app_home_opened` on the Home tab (or `tab`), as the Events API delivers it. */
  openAppHome(user: string, eventId: string, tab: 'home' | 'messages' = 'home'): Promise<SlackAck> {
    const body = appHomeOpened(user, eventId);
    (body['event'] as Record<string, unknown>)['tab'] = tab;
    return this.deliverEvent(body, {});
  }

  /** An Events API callback carrying `event`; send the same eventId again to model a redelivery. */
  sendEvent(event: { type: string } & Record<string, unknown>, eventId: string, delivery: Delivery = {}): Promise<SlackAck> {
    return this.deliverEvent(eventCallback(event, eventId), delivery);
  }

  /**
   * The user opens an assistant thread (`assistant_thread_started`), beside the channel `viewing`
   * when given. The thread's root is stored in the fake as Slack keeps it: a message of the app's.
   */
  startAssistantThread(thread: AssistantThread, eventId: string, viewing?: string): Promise<SlackAck> {
    const key = `${thread.channel}/${thread.threadTs}`;
    if (!this.fake.threads.has(key)) this.fake.threads.set(key, [{ ts: thread.threadTs, user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, text: '' }]);
    return this.sendEvent({ type: 'assistant_thread_started', assistant_thread: assistantThread(thread, viewing), event_ts: thread.threadTs }, eventId);
  }

  /** The user opens another channel next to the assistant thread (`assistant_thread_context_changed`). */
  changeAssistantContext(thread: AssistantThread, eventId: string, viewing: string): Promise<SlackAck> {
    return this.sendEvent({ type: 'assistant_thread_context_changed', assistant_thread: assistantThread(thread, viewing), event_ts: `${Math.floor(Date.now() / 1000)}.000300` }, eventId);
  }

  /**
   * A message in a DM with the bot (`message` with `channel_type: im`): in an assistant or DM
   * thread when `threadTs` is given, else at the DM's top level. Stored in the fake first, as Slack
   * has it by the time the event arrives; `extra` adds or overrides fields (subtype, bot_id…).
   */
  sendDirectMessage(msg: { channel: string; ts: string; text: string; threadTs?: string; user?: string }, eventId: string, extra: Record<string, unknown> = {}): Promise<SlackAck> {
    const user = msg.user ?? DEFAULT_USER;
    const stored = { ts: msg.ts, user, text: msg.text, ...(msg.threadTs && { thread_ts: msg.threadTs }), ...extra } as FakeSlackMessage;
    if (msg.threadTs) {
      const key = `${msg.channel}/${msg.threadTs}`;
      this.fake.threads.set(key, [...(this.fake.threads.get(key) ?? []), stored]);
    } else {
      this.fake.topLevel.set(msg.channel, [...(this.fake.topLevel.get(msg.channel) ?? []), stored]);
    }
    return this.sendEvent({ type: 'message', channel: msg.channel, channel_type: 'im', event_ts: msg.ts, ...stored }, eventId);
  }

  protected abstract deliverCommand(fields: Record<string, string>): Promise<SlackAck>;
  protected abstract deliverInteractive(payload: Record<string, unknown>): Promise<SlackAck>;
  abstract deliverEvent(body: Record<string, unknown>, delivery: Delivery): Promise<SlackAck>;
}

/** An assistant thread: the DM channel with the bot, the thread's ts, and whose it is. */
export interface AssistantThread {
  channel: string;
  threadTs: string;
  user?: string;
}

function assistantThread(thread: AssistantThread, viewing: string | undefined): Record<string, unknown> {
  return {
    user_id: thread.user ?? DEFAULT_USER,
    context: viewing ? { channel_id: viewing, team_id: FAKE_TEAM.id, enterprise_id: null } : {},
    channel_id: thread.channel,
    thread_ts: thread.threadTs,
  };
}

/** The outer Events API body Slack wraps around an event, identical on both transports. */
export function eventCallback(event: Record<string, unknown>, eventId: string): Record<string, unknown> {
  return {
    token: 'legacy-verification-token',
    team_id: FAKE_TEAM.id,
    api_app_id: APP_ID,
    event,
    type: 'event_callback',
    event_id: eventId,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: FAKE_TEAM.id, user_id: FAKE_BOT.userId, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: false,
  };
}

/** Signed POSTs to the bot's /slack/events, as Slack's HTTP delivery does. */
export class HttpSlackDriver extends SlackDriver {
  readonly transport = 'http';

  constructor(
    fake: FakeSlack,
    private readonly url: string,
    private readonly signingSecret: string,
  ) {
    super(fake);
  }

  protected async deliverCommand(fields: Record<string, string>): Promise<SlackAck> {
    return toAck(await postSlashCommand(this.url, fields, this.signingSecret));
  }

  protected async deliverInteractive(payload: Record<string, unknown>): Promise<SlackAck> {
    return toAck(await postSlashCommand(this.url, { payload: JSON.stringify(payload) }, this.signingSecret));
  }

  async deliverEvent(body: Record<string, unknown>, delivery: Delivery): Promise<SlackAck> {
    return toAck(await postEvent(this.url, body, this.signingSecret, delivery.retryNum, delivery.retryReason));
  }
}

/** Envelopes over the fake's Socket Mode connection; the ack frame is the answer. */
export class SocketSlackDriver extends SlackDriver {
  readonly transport = 'socket';

  constructor(
    fake: FakeSlack,
    private readonly socket: FakeSlackSocket,
  ) {
    super(fake);
  }

  protected deliverCommand(fields: Record<string, string>): Promise<SlackAck> {
    return this.envelope('slash_commands', fields);
  }

  protected deliverInteractive(payload: Record<string, unknown>): Promise<SlackAck> {
    return this.envelope('interactive', payload);
  }

  deliverEvent(body: Record<string, unknown>, delivery: Delivery): Promise<SlackAck> {
    return this.envelope('events_api', body, delivery);
  }

  private async envelope(type: EnvelopeType, payload: object, delivery: Delivery = {}): Promise<SlackAck> {
    const ack = await this.socket.send(type, payload, {
      ...(delivery.retryNum !== undefined && { retryAttempt: delivery.retryNum, retryReason: delivery.retryReason ?? 'timeout' }),
    });
    return { status: 200, body: Object.keys(ack.payload).length ? ack.payload : undefined, latencyMs: ack.latencyMs };
  }
}

function toAck(res: { status: number; body: string; elapsedMs: number }): SlackAck {
  return { status: res.status, body: res.body ? (JSON.parse(res.body) as Record<string, unknown>) : undefined, latencyMs: res.elapsedMs };
}
