import type { Task } from '@parley/jobs';
import type { AppProcess } from '../app-process.js';
export { waitFor as until } from '../slack-request.js';

/**
 * The conformance suite's table: requests asked in platform-neutral terms, and the outcome every
 * chat adapter must produce for them. Each adapter's driver asks them the way a user of its
 * platform would (a slash command, a shortcut or context menu, a mention, a line typed into the
 * playground), against the platform's fake; the suite reads the outcome off the bot's log, the
 * real inference queue and what the requester sees.
 */

/** What a request works on: a thread (3 messages), a window of a channel (2), its latest message, typed text, an empty channel. */
export type TableSource = 'thread' | 'channel' | 'message' | 'text' | 'empty' | 'busy';

export interface TableRequest {
  task: Task;
  source: TableSource;
  language?: string;
  question?: string;
  /** Typed text, for `text`. */
  text?: string;
  private?: boolean;
}

/** The same conversation on every platform. */
export const FIXTURE = {
  thread: [
    { author: 'Maya', text: 'Release plan: we ship on Friday after the login fix.' },
    { author: 'Omar', text: 'I own QA for the login fix.' },
    { author: 'Lena', text: 'I will write the release notes.' },
  ],
  channel: [
    { author: 'Maya', text: 'Good morning team, the offsite is in Lisbon on 12 May.' },
    { author: 'Omar', text: 'Angela Merkel visits Siemens in Berlin on Friday.' },
  ],
  typed: 'Good morning, the release is on Friday.',
} as const;

/** What the requester sees as the last word on a request: the answer, a failure, or a refusal. */
export interface Seen {
  text: string;
  /** Only the requester sees it (Slack's ephemeral message, Discord's ephemeral reply, the playground's private mark). */
  privately: boolean;
}

export interface Asked {
  /** Waits for what the requester finally sees. */
  seen(): Promise<Seen>;
  /** How many answers (not placeholders, not notices) the request has on the platform so far. */
  answers(): Promise<number>;
}

/** One adapter's way of asking, over its real entry point against its fake platform. */
export interface AdapterDriver {
  readonly platform: 'slack' | 'discord' | 'playground';
  readonly bot: AppProcess;
  /** Starts the fake platform (seeded with FIXTURE) and a real bot process on `prefix`, with `env` added. */
  start(prefix: string, env: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
  ask(request: TableRequest): Promise<Asked>;
  /** "@Parley summarize" in the thread, delivered twice as the platform may redeliver it (a retried event, a replayed dispatch, a resent POST). */
  mentionTwice(): Promise<Asked>;
}

/** The pipeline's neutral outcome of one request, as the bot logs it. */
export type Outcome =
  | { kind: 'queued'; requestId: string; task: Task; source: string; messages: number; private: boolean }
  | { kind: 'refused'; requestId: string; code: string };

export interface Row {
  name: string;
  ask: TableRequest;
  /** The request is queued as this job (fields the job must carry) and answered with what `seen` matches. */
  queued?: { task: Task; source: 'thread' | 'channel' | 'message' | 'text'; messages: number; language?: string; question?: string; private?: boolean };
  /** The request is refused with this code; no job. */
  refused?: string;
  /** What the requester sees. */
  seen: RegExp;
  privately?: boolean;
  /** Fills the queue first (and empties it after). */
  fullQueue?: boolean;
}

export const TABLE: readonly Row[] = [
  { name: 'summarize a thread', ask: { task: 'summarize', source: 'thread' }, queued: { task: 'summarize', source: 'thread', messages: 3 }, seen: /summarize · 3 messages/ },
  { name: 'summarize a window of a channel', ask: { task: 'summarize', source: 'channel' }, queued: { task: 'summarize', source: 'channel', messages: 2 }, seen: /summarize · 2 messages/ },
  {
    name: 'translate typed text',
    ask: { task: 'translate', source: 'text', language: 'German', text: FIXTURE.typed },
    queued: { task: 'translate', source: 'text', messages: 1, language: 'German' },
    seen: /translated to German · 1 message/,
  },
  {
    name: "translate one message into the channel's language",
    ask: { task: 'translate', source: 'message' },
    queued: { task: 'translate', source: 'message', messages: 1, language: 'English' },
    seen: /translated to English · 1 message/,
  },
  { name: 'extract the entities of one message', ask: { task: 'entities', source: 'message' }, queued: { task: 'entities', source: 'message', messages: 1 }, seen: /entities \(named-entity model \+ date\/amount patterns\) · 1 message/ },
  {
    name: 'ask a question about a channel',
    ask: { task: 'ask', source: 'channel', question: 'Who goes to Lisbon?' },
    queued: { task: 'ask', source: 'channel', messages: 2, question: 'Who goes to Lisbon?' },
    seen: /ask · 2 messages/,
  },
  {
    name: 'a private request: only the requester sees the answer',
    ask: { task: 'summarize', source: 'channel', private: true },
    queued: { task: 'summarize', source: 'channel', messages: 2, private: true },
    seen: /summarize · 2 messages/,
    privately: true,
  },
  { name: 'an unknown language is refused with a suggestion, no job', ask: { task: 'translate', source: 'text', language: 'Germna', text: FIXTURE.typed }, refused: 'UNKNOWN_LANGUAGE', seen: /"Germna".*German/ },
  { name: 'nothing to read is refused, no job', ask: { task: 'summarize', source: 'empty' }, refused: 'NOTHING_TO_READ', seen: /no messages|nothing|no text/i },
  {
    name: 'a failed job: the worker has no model for it, and the requester is told',
    ask: { task: 'translate', source: 'text', language: 'Japanese', text: FIXTURE.typed },
    queued: { task: 'translate', source: 'text', messages: 1, language: 'Japanese' },
    seen: /No model is set up for translation into Japanese/,
  },
  { name: 'a full queue refuses, no job', ask: { task: 'summarize', source: 'channel' }, refused: 'QUEUE_FULL', seen: /Parley is busy/, fullQueue: true },
];

/** The bot settings the suite runs every adapter with. */
export const LIMITS = { perChannelPerMinute: 12, maxQueued: 20 } as const;

/** The first request outcome the bot logged after `from`. */
export async function outcomeAfter(bot: AppProcess, from: number, timeoutMs = 20_000): Promise<Outcome> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const line = bot.logs.slice(from).find((l) => l.msg === 'request refused' || (typeof l.msg === 'string' && / queued$/.test(l.msg) && 'source' in l));
    if (line?.msg === 'request refused') return { kind: 'refused', requestId: String(line['requestId']), code: String(line['code']) };
    if (line) {
      return { kind: 'queued', requestId: String(line['requestId']), task: line['task'] as Task, source: String(line['source']), messages: Number(line['messages']), private: Boolean(line['private']) };
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no request outcome logged within ${timeoutMs} ms; stderr: ${bot.stderr.slice(-500)}`);
}
