import type { CodedError } from '@parley/errors';
import type { SlackTarget, TaskRequest } from '@parley/jobs';
import type { Logger } from '@parley/service-kit';
import type { Settings } from '@parley/settings';
import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { ChatRequest, RequestReplies } from '../../core/chat-request.js';
import type { RequestPipeline } from '../../core/request-pipeline.js';
import { waitingText } from '../../core/reply-words.js';
import { nothingIn, readSource, replyThreadOf, resolveLatest, sourceKindOf, type ResolvedSource, type TaskSource } from '../reading/read-source.js';
import type { Readers } from '../reading/slack-messages.js';
import type { UserNames } from '../reading/user-names.js';
import type { Placeholders } from '../replies/placeholders.js';
import type { SlackStreams } from '../replies/slack-streams.js';

/** What the Slack surfaces that queue work (commands, shortcuts, mentions) share. */
export interface SlackRequestDeps {
  pipeline: RequestPipeline;
  log: Logger;
  bot: { userId: string; botId: string };
  names: UserNames;
  maxMessages: number;
  placeholders: Placeholders;
  streams: SlackStreams;
}

/** How the requester hears from Parley: privately, with `respond` for commands and shortcuts. */
export type Notify = (text: string) => Promise<unknown>;

/** `respond` as a Notify: private to the requester, never replacing the earlier notice. */
export function viaRespond(respond: RespondFn): Notify {
  return (text) => respond({ response_type: 'ephemeral', replace_original: false, text });
}

/**
 * The requester's side of one Slack request: `acknowledge` is the slash command's ack, still
 * unsent (a refusal then goes into the ack itself); `working` is what it says once admitted.
 */
export interface SlackRequester {
  notify: Notify;
  acknowledge?: (text: string) => Promise<void>;
  /** Said once the request is admitted; nothing when absent. */
  working?: string;
}

export interface SlackRequestInput {
  requestId: string;
  teamId: string;
  userId: string;
  source: TaskSource;
  overrides: Settings;
  /** The task, or the task for what the source turned out to hold: a chat with Parley or not (a mention's follow-up). */
  task: TaskRequest | ((chat: boolean) => TaskRequest);
  private?: boolean;
}

/** The request id a refusal names, so the operator can find its log line. */
const withRef = (error: CodedError, requestId: string) => `:warning: ${error.userMessage} (ref \`${requestId}\`)`;

/**
 * A Slack request as the pipeline takes it: a source read through the Web API, and replies as
 * Slack shows them: the ack or a private notice first, then the placeholder that the answer will
 * replace, posted once the queue position is known (so it costs one call, not two).
 */
export function slackRequest(deps: SlackRequestDeps, client: WebClient, requester: SlackRequester, input: SlackRequestInput): { request: ChatRequest; replies: RequestReplies<SlackTarget> } {
  const channelId = input.source.channelId;
  const me: Readers = { botUserId: deps.bot.userId, botId: deps.bot.botId };
  let resolved: ResolvedSource | undefined;
  let acknowledged = requester.acknowledge === undefined;
  let where: { channelId: string; threadTs?: string } = { channelId };
  let target: SlackTarget | undefined;
  const taskFor = (chat: boolean) => (typeof input.task === 'function' ? input.task(chat) : input.task);

  const request: ChatRequest = {
    requestId: input.requestId,
    scope: { platform: 'slack', workspace: input.teamId, channel: channelId },
    userId: input.userId,
    task: taskFor(false),
    overrides: input.overrides,
    private: Boolean(input.private),
    source: {
      kind: sourceKindOf(input.source),
      nothingToRead: nothingIn(input.source),
      read: async () => {
        resolved = await resolveLatest(client, input.source, me);
        const read = await readSource(client, resolved, { ...me, limit: deps.maxMessages, names: deps.names, requesterId: input.userId });
        return { messages: read.messages, task: taskFor(read.chat) };
      },
    },
  };

  // Before the ack is sent, a refusal goes into it; after, into a private notice.
  const tell = async (text: string) => {
    if (acknowledged) return void (await requester.notify(text));
    acknowledged = true;
    await requester.acknowledge!(text);
  };
  let admitted = false;

  const replies: RequestReplies<SlackTarget> = {
    accepted: async () => {
      admitted = true;
      if (!acknowledged || requester.working) await tell(requester.working ?? ':hourglass_flowing_sand: Working on it…');
    },
    working: async () => {
      const threadTs = resolved && replyThreadOf(resolved);
      where = { channelId, ...(threadTs && { threadTs }) };
      target = { platform: 'slack', teamId: input.teamId, ...where, userId: input.userId, ...(input.private && { private: true }) };
      if (!input.private) await deps.streams.prepare(input.requestId, target);
      return target;
    },
    queued: async ({ task, messages, ahead }) => {
      const position = ahead > 0 ? `you're #${ahead + 1} in the queue` : undefined;
      // In a thread, the thread's status says it; elsewhere (or where Slack refuses it) a placeholder does.
      const status = !input.private && target ? await deps.streams.waiting(input.requestId, target, { task, messages, ahead }) : undefined;
      if (status?.mode === 'stream') {
        if (position && !status.shown) await requester.notify(`:hourglass_flowing_sand: Queued: ${position}; the answer will follow.`);
        return;
      }
      const working = `:hourglass_flowing_sand: ${waitingText(task, messages)}`;
      // Delivery and streaming find the placeholder through Redis, by request id.
      const placeholderTs = input.private ? undefined : await deps.placeholders.post(input.requestId, where, position ? `${working} (${position})` : working);
      if (position && !placeholderTs) await requester.notify(`:hourglass_flowing_sand: Queued: ${position}; the answer will follow.`);
    },
    // Refused at the door (a rate limit, a full queue) it is a wait; later, something to look up.
    refused: (error) => tell(admitted ? withRef(error, input.requestId) : `:hourglass: ${error.userMessage}`),
  };
  return { request, replies };
}
