import { requestJobId } from '@parley/jobs';
import type { App } from '@slack/bolt';
import { ignoredBecause, type IncomingMessage } from './event-filter.js';
import { parseMentionRequest } from '../core/mention-intent.js';
import { admit, queueThreadTask, type Notify, type ThreadTaskDeps } from './thread-task.js';

const HELP =
  'Ask me a question about this thread, or say *summarize*, *translate to French* or *extract entities*. ' +
  'Inside a thread I work on that thread. Say *privately* to see the answer alone.';

/**
 * `@Parley summarize`, `@Parley translate to French`, `@Parley extract entities`, or any question:
 * answered in the thread (or under the message, when it is not in one). Bolt acknowledges the
 * event before this runs; the request id comes from the message, so Slack's retries of the same
 * event make no second job.
 */
export function registerMentions(app: App, deps: ThreadTaskDeps & { answerBots: boolean }): void {
  app.event('app_mention', async ({ event, client, body }) => {
    // Edits, deletions and (unless allowed) other bots' messages are not requests, so two
    // assistants cannot set each other off and an edited mention asks nothing twice.
    const ignored = ignoredBecause(event as IncomingMessage, { botUserId: deps.bot.userId, botId: deps.bot.botId, answerBots: deps.answerBots });
    if (ignored) {
      deps.log.debug({ reason: ignored }, 'mention ignored');
      return;
    }
    const asker = event.user ?? (event as IncomingMessage).bot_id!;
    const teamId = (body as { team_id?: string }).team_id ?? event.team ?? '';
    const threadTs = event.thread_ts ?? event.ts;
    const requestId = requestJobId('mention', teamId, event.channel, event.ts);
    const notify: Notify = (text) => client.chat.postEphemeral({ channel: event.channel, user: asker, text, thread_ts: threadTs });
    const { intent, private: privately } = parseMentionRequest(event.text, deps.bot.userId);
    if (intent.task === 'help') {
      await notify(HELP);
      return;
    }
    const refusal = await admit(deps, { teamId, channelId: event.channel, userId: asker }, requestId);
    if (refusal) {
      await notify(`:hourglass: ${refusal}`);
      return;
    }
    await queueThreadTask(deps, client, notify, {
      requestId,
      teamId,
      userId: asker,
      // The mention is the request, not thread content.
      source: { kind: 'thread', channelId: event.channel, threadTs, skipTs: event.ts },
      overrides: {},
      task: intent,
      private: privately,
    });
  });
}
