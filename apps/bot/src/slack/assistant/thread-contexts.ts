import type { AssistantConfig } from '@slack/bolt';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** Bolt's thread context store, as `AssistantConfig` takes it (the interface itself is not exported). */
type BoltContextStore = NonNullable<AssistantConfig['threadContextStore']>;
type StoreArgs = Parameters<BoltContextStore['get']>[0];
type ThreadContext = Awaited<ReturnType<BoltContextStore['get']>>;

/** An assistant thread: the DM channel and the thread's ts, in a workspace. */
export interface AssistantThreadRef {
  teamId: string;
  channelId: string;
  threadTs: string;
}

/** What Slack says the user is looking at next to the assistant; kept as Slack sent it, checked both ways. */
const contextSchema = z.object({
  channel_id: z.string().regex(/^[A-Z][A-Z0-9]{2,30}$/).optional(),
  team_id: z.string().min(1).max(40).optional(),
  enterprise_id: z.string().min(1).max(40).nullable().optional(),
});

/** The part of an assistant event (or a message in its thread) that names the thread and its context. */
const threadPayload = z.object({
  channel: z.string().optional(),
  thread_ts: z.string().optional(),
  assistant_thread: z.object({ channel_id: z.string(), thread_ts: z.string(), context: z.unknown().optional() }).optional(),
});

/** As long as someone may come back to a chat: the thread's title is set once within it. */
const TTL_SEC = 30 * 24 * 3600;
/**
 * The channel the user has open, for a day: Slack says it again whenever the user opens one, and
 * an older one may be a channel the user has since left, which Parley (reading with its own
 * token) would otherwise still read for them.
 */
const CONTEXT_TTL_SEC = 24 * 3600;

/**
 * Which channel each assistant thread's user is viewing, in Redis under the queue prefix, so every
 * bot process (either transport) sees it. Bolt's default store writes it into the metadata of the
 * app's first message in the thread, which costs a conversations.replies read per lookup and an
 * edit of a message Parley may not have posted yet.
 */
export class AssistantContexts {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private key(ref: AssistantThreadRef, what: 'context' | 'titled'): string {
    return `${this.prefix}:slack:assistant:${what}:${ref.teamId}:${ref.channelId}:${ref.threadTs}`;
  }

  /** The thread's remembered context; empty when none is known or what is stored is not a context. */
  async get(ref: AssistantThreadRef): Promise<ThreadContext> {
    const raw = await this.redis.get(this.key(ref, 'context'));
    if (!raw) return {};
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      return {};
    }
    const parsed = contextSchema.safeParse(value);
    return parsed.success ? asContext(parsed.data) : {};
  }

  /** Remembers what Slack says the user is viewing; a context that is not one is not kept. */
  async save(ref: AssistantThreadRef, context: unknown): Promise<void> {
    const parsed = contextSchema.safeParse(context ?? {});
    if (!parsed.success) return;
    await this.redis.set(this.key(ref, 'context'), JSON.stringify(parsed.data), 'EX', CONTEXT_TTL_SEC);
  }

  /** True the first time it is asked for a thread: its title is set from its first message only. */
  async firstTitle(ref: AssistantThreadRef): Promise<boolean> {
    return (await this.redis.set(this.key(ref, 'titled'), '1', 'EX', TTL_SEC, 'NX')) === 'OK';
  }

  /** The title could not be set: the next message may try again. */
  async titleFailed(ref: AssistantThreadRef): Promise<void> {
    await this.redis.del(this.key(ref, 'titled'));
  }

  /** The store Bolt's `Assistant` reads and writes through `getThreadContext` / `saveThreadContext`. */
  forBolt(): BoltContextStore {
    return {
      get: async (args) => {
        const ref = refOf(args);
        return ref ? this.get(ref) : {};
      },
      save: async (args) => {
        const ref = refOf(args);
        const payload = threadPayload.safeParse(args.payload);
        if (ref && payload.success) await this.save(ref, payload.data.assistant_thread?.context);
      },
    };
  }
}

/** The thread an assistant event or message belongs to, or undefined when the payload names none. */
function refOf(args: StoreArgs): AssistantThreadRef | undefined {
  const payload = threadPayload.safeParse(args.payload);
  if (!payload.success) return undefined;
  const channelId = payload.data.assistant_thread?.channel_id ?? payload.data.channel;
  const threadTs = payload.data.assistant_thread?.thread_ts ?? payload.data.thread_ts;
  const teamId = args.context.teamId ?? args.context.enterpriseId ?? '';
  return channelId && threadTs ? { teamId, channelId, threadTs } : undefined;
}

function asContext(c: z.infer<typeof contextSchema>): ThreadContext {
  return {
    ...(c.channel_id !== undefined && { channel_id: c.channel_id }),
    ...(c.team_id !== undefined && { team_id: c.team_id }),
    ...(c.enterprise_id !== undefined && { enterprise_id: c.enterprise_id }),
  };
}
