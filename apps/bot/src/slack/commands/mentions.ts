import { requestJobId } from '@parley/jobs';
import type { App } from '@slack/bolt';
import { followUpTask } from '../../core/follow-up.js';
import { parseMentionRequest } from '../../core/mention-intent.js';
import type { TaskSource } from '../reading/read-source.js';
import { ignoredBecause, type SlackEventMessage } from './event-filter.js';
import { slackRequest, type Notify, type SlackRequestDeps } from './slack-request.js';

const HELP =
  'Ask me a question about this thread, or say *summarize*, *translate to French* or *extract entities*. ' +
  'Inside a thread I work on that thread, and a question after my answer there follows on from it. Say *privately* to see the answer alone.';

/**
 * `@Parley summarize`, `@Parley translate to French`, `@Parley extract entities`, or any question:
 * answered in the thread (or under the message, when it is not in one). Bolt acknowledges the
 * event before this runs; the request id comes from the message, so Slack's retries of the same
 * event make no second job.
 */
export function registerMentions(app: App, deps: SlackRequestDeps & { answerBots: boolean }): void {
  app.event('app_mention', async ({ event, client, body }) => {
    // Edits, deletions and (unless allowed) other bots' messages are not requests, so two
    // assistants cannot set each other off and an edited mention asks nothing twice.
    const ignored = ignoredBecause(event as SlackEventMessage, { botUserId: deps.bot.userId, botId: deps.bot.botId, answerBots: deps.answerBots });
    if (ignored) {
      deps.log.debug({ reason: ignored }, 'mention ignored');
      return;
    }
    const asker = event.user ?? (event as SlackEventMessage).bot_id!;
    const teamId = (body as { team_id?: string }).team_id ?? event.team ?? '';
    const threadTs = event.thread_ts ?? event.ts;
    const notify: Notify = (text) => client.chat.postEphemeral({ channel: event.channel, user: asker, text, thread_ts: threadTs });
    const { intent, private: privately } = parseMentionRequest(event.text, deps.bot.userId);
    if (intent.task === 'help') {
      await notify(HELP);
      return;
    }
    // A question inside a thread is a follow-up when Parley has already answered there; the
    // thread's own read says so, and the mention (the question) is never read as content.
    const source: TaskSource =
      intent.task === 'ask' && event.thread_ts
        ? { kind: 'chat', inChannel: true, channelId: event.channel, threadTs, currentTs: event.ts, currentText: intent.question }
        : { kind: 'thread', channelId: event.channel, threadTs, skipTs: event.ts };
    const { request, replies } = slackRequest(deps, client, { notify }, {
      requestId: requestJobId('mention', teamId, event.channel, event.ts),
      teamId,
      userId: asker,
      source,
      overrides: {},
      task: (parleyAnsweredHere) => followUpTask(intent, parleyAnsweredHere) ?? intent,
      private: privately,
    });
    await deps.pipeline.run(request, replies);
  });
}
