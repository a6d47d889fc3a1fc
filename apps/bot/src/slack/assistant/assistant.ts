import { askJobSchema, requestJobId, type TaskRequest } from '@parley/jobs';
import bolt, { type App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import { defaultWindow } from '../../core/channel-window.js';
import { ignoredBecause, type SlackEventMessage } from '../commands/event-filter.js';
import { slackRequest, type SlackRequestDeps } from '../commands/slack-request.js';
import type { TaskSource } from '../reading/read-source.js';
import { channelActionOf, suggestedPrompts, type ChannelAction } from './suggested-prompts.js';
import type { AssistantContexts, AssistantThreadRef } from './thread-contexts.js';
import { threadTitle } from './thread-title.js';

const { Assistant } = bolt;

export interface AssistantDeps extends SlackRequestDeps {
  assistantContexts: AssistantContexts;
}

// Parley's notices start with :information_source:, so reading the chat back never takes them for answers.
const OPEN_A_CHANNEL = ':information_source: Open a channel next to me first, then ask again.';
const TOO_LONG = `:information_source: That message is too long for me: please keep it under ${askJobSchema.shape.question.maxLength ?? 2000} characters.`;
const LOOKUP_FAILED = ':warning: Something went wrong. Please try again.';

const slackTs = z.string().regex(/^\d+\.\d+$/);

/** A message event in a DM with Parley, as far as a chat turn reads it. */
const dmMessage = z.object({
  channel: z.string().min(1),
  channel_type: z.string().optional(),
  ts: slackTs,
  thread_ts: slackTs.optional(),
  user: z.string().optional(),
  bot_id: z.string().optional(),
  subtype: z.string().optional(),
  edited: z.unknown().optional(),
  text: z.string().optional(),
});
type DmMessage = z.infer<typeof dmMessage>;

/** A channel the user can have open next to the assistant and Parley can read: public or private, not a DM. */
const readableChannel = (id: string | undefined) => (id && /^[CG][A-Z0-9]{2,30}$/.test(id) ? id : undefined);

/** An assistant thread's helpers that a chat turn uses (Bolt's, bound to the thread). */
interface ThreadHelpers {
  ref: AssistantThreadRef;
  setTitle: (title: string) => Promise<unknown>;
  viewedChannel: () => Promise<string | undefined>;
}

/**
 * Slack's Assistant surface (split view, agent view) and DMs with the bot as a multi-turn chat.
 * Each user message is an `ask` through the one request pipeline, with the chat's earlier turns
 * (Parley's answers included) as what it reads; a suggested prompt runs on the channel the user
 * has open. The thread context (that channel) is kept in Redis, not in message metadata.
 */
export function registerAssistant(app: App, deps: AssistantDeps): void {
  const contexts = deps.assistantContexts;
  const logCode = (what: string) => (err: { data?: { error?: string }; code?: string }) => deps.log.warn({ err: err.data?.error ?? err.code }, what);

  const offerPrompts = async (args: { getThreadContext: () => Promise<{ channel_id?: string }>; saveThreadContext: () => Promise<void>; setSuggestedPrompts: (p: ReturnType<typeof suggestedPrompts>) => Promise<unknown> }) => {
    await args.saveThreadContext();
    const viewed = readableChannel((await args.getThreadContext()).channel_id);
    await args.setSuggestedPrompts(suggestedPrompts(viewed)).catch(logCode('suggested prompts not set'));
  };

  const assistant = new Assistant({
    threadContextStore: contexts.forBolt(),
    threadStarted: async (args) => offerPrompts(args),
    threadContextChanged: async (args) => offerPrompts(args),
    userMessage: async ({ message, client, body, context, setTitle, getThreadContext }) => {
      const parsed = dmMessage.safeParse(message);
      if (!parsed.success || !parsed.data.thread_ts) return;
      const teamId = teamOf(body, context.teamId);
      const ref = { teamId, channelId: parsed.data.channel, threadTs: parsed.data.thread_ts };
      await chatTurn(deps, client, parsed.data, teamId, { ref, setTitle, viewedChannel: async () => readableChannel((await getThreadContext()).channel_id) });
    },
  });
  app.assistant(assistant);

  // A DM's top level (the Messages tab, outside an assistant thread): the same chat over the DM's recent messages.
  app.event('message', async ({ event, client, body, context }) => {
    const parsed = dmMessage.safeParse(event);
    if (!parsed.success || parsed.data.channel_type !== 'im' || parsed.data.thread_ts) return;
    await chatTurn(deps, client, parsed.data, teamOf(body, context.teamId), undefined);
  });
}

/** The fields the shared event filter reads, without the absent ones. */
function asEventMessage(msg: DmMessage): SlackEventMessage {
  return {
    ...(msg.subtype !== undefined && { subtype: msg.subtype }),
    ...(msg.user !== undefined && { user: msg.user }),
    ...(msg.bot_id !== undefined && { bot_id: msg.bot_id }),
    ...(msg.edited !== undefined && { edited: msg.edited }),
  };
}

function teamOf(body: unknown, fallback: string | undefined): string {
  const team = (body as { team_id?: unknown }).team_id;
  return typeof team === 'string' ? team : (fallback ?? '');
}

/** The task and source for one of the suggested prompts, on the channel the user has open. */
function channelTask(action: ChannelAction, channelId: string, maxMessages: number): { task: TaskRequest; of: Extract<TaskSource, { kind: 'window' | 'latest' }> } {
  switch (action) {
    case 'summarize':
      return { task: { task: 'summarize' }, of: { kind: 'window', channelId, window: defaultWindow(maxMessages) } };
    case 'translate':
      return { task: { task: 'translate' }, of: { kind: 'latest', channelId } };
    case 'entities':
      return { task: { task: 'entities' }, of: { kind: 'window', channelId, window: defaultWindow(maxMessages) } };
  }
}

/**
 * One user message in a chat with Parley, made a request: a suggested prompt's action on the
 * channel the user has open, else a question answered from the chat's earlier turns. Bots
 * (Parley too), edits, deletions and empty messages ask nothing. The request id comes from the
 * message, so a redelivered event queues nothing new.
 */
async function chatTurn(deps: AssistantDeps, client: WebClient, msg: DmMessage, teamId: string, thread: ThreadHelpers | undefined): Promise<void> {
  const ignored = ignoredBecause(asEventMessage(msg), { botUserId: deps.bot.userId, botId: deps.bot.botId, answerBots: false });
  const text = (msg.text ?? '').replace(new RegExp(`<@${deps.bot.userId}(?:\\|[^>]*)?>`, 'g'), ' ').trim();
  if (ignored || !text || !msg.user) {
    deps.log.debug({ reason: ignored ?? 'empty' }, 'direct message ignored');
    return;
  }
  const user = msg.user;
  const threadTs = msg.thread_ts;
  const notify = (words: string) => client.chat.postMessage({ channel: msg.channel, ...(threadTs && { thread_ts: threadTs }), text: words });

  if (thread) {
    const first = await deps.assistantContexts.firstTitle(thread.ref).catch(() => false);
    const title = first ? threadTitle(text) : undefined;
    if (title) {
      await thread.setTitle(title).catch(async (err: { data?: { error?: string } }) => {
        deps.log.warn({ err: err.data?.error }, 'thread title not set');
        await deps.assistantContexts.titleFailed(thread.ref).catch(() => {});
      });
    }
  }

  let task: TaskRequest;
  let source: TaskSource;
  const action = thread && channelActionOf(text);
  if (thread && action) {
    let viewed: string | undefined;
    try {
      viewed = await thread.viewedChannel();
    } catch (err) {
      deps.log.warn({ err: (err as Error).message?.slice(0, 160) }, 'thread context not read');
      await notify(LOOKUP_FAILED);
      return;
    }
    // Only the channel Slack says the user has open is read: a prompt naming another is stale.
    if (!viewed || (action.channelId && action.channelId !== viewed)) {
      await notify(action.channelId ? `:information_source: Open <#${action.channelId}> next to me first, then ask again.` : OPEN_A_CHANNEL);
      return;
    }
    const made = channelTask(action.action, viewed, deps.maxMessages);
    task = made.task;
    source = { kind: 'relayed', channelId: msg.channel, threadTs: thread.ref.threadTs, of: made.of };
  } else {
    if (!askJobSchema.shape.question.safeParse(text).success) {
      await notify(TOO_LONG);
      return;
    }
    task = { task: 'ask', question: text, chat: true };
    source = { kind: 'chat', channelId: msg.channel, ...(threadTs && { threadTs }), currentTs: msg.ts, currentText: text };
  }

  const { request, replies } = slackRequest(deps, client, { notify }, {
    requestId: requestJobId('chat', teamId, msg.channel, msg.ts),
    teamId,
    userId: user,
    source,
    overrides: {},
    task,
  });
  await deps.pipeline.run(request, replies);
}
