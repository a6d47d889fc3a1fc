import { requestJobId, TASKS } from '@parley/jobs';
import type { App } from '@slack/bolt';
import { BotError } from '../../core/bot-error.js';
import type { TaskSource } from '../reading/read-source.js';
import { parseCommand, type CommandName, type CommandRequest, type CommandSource } from './command-input.js';
import { slackRequest, viaRespond, type SlackRequestDeps } from './slack-request.js';

const COMMANDS = TASKS.map((task) => `/${task}` as CommandName);

function sourceIn(channelId: string, source: CommandSource): TaskSource {
  if (source.kind === 'thread') return { kind: 'thread', ...source.thread };
  return { ...source, channelId };
}

const WORKING: Record<CommandSource['kind'], string> = {
  thread: ':hourglass_flowing_sand: Working on it…',
  window: ':hourglass_flowing_sand: Working on it: reading this channel…',
  text: ':hourglass_flowing_sand: Working on it…',
  latest: ':hourglass_flowing_sand: Working on it: the latest message here…',
};

/**
 * `/summarize`, `/translate`, `/entities` and `/ask`. Slack does not run slash commands inside
 * threads and does not say which thread a command came from, so a command names what to work on:
 * a thread link, a window of the channel it was run in (`last 50`, `since 2h`), or text typed
 * after it. Settings (`temperature=0.3`, `preset=creative`) come first; `private` keeps the
 * answer to the requester. The ack says it is being worked on, or why not; problems after the
 * ack reach the user privately through `respond`.
 */
export function registerTaskCommands(app: App, deps: SlackRequestDeps): void {
  for (const name of COMMANDS) {
    app.command(name, async ({ command: cmd, ack, respond, client }) => {
      const acknowledge = async (text: string) => void (await ack({ response_type: 'ephemeral', text }));
      const scope = { platform: 'slack' as const, workspace: cmd.team_id, channel: cmd.channel_id };
      let parsed: CommandRequest;
      try {
        parsed = parseCommand(name, cmd.text, { maxMessages: deps.maxMessages });
        if (parsed.source.kind === 'thread' && parsed.source.thread.channelId !== cmd.channel_id) {
          // The reply is posted in the thread; asking from inside its channel shows the requester
          // can see that thread, so nobody works on a channel they are not in.
          throw new BotError('THREAD_ELSEWHERE', `Run ${name} in the channel where that thread is: the reply is posted in the thread.`);
        }
      } catch (err) {
        const requestId = requestJobId('command', cmd.team_id, cmd.trigger_id);
        await deps.pipeline.refuse({ requestId, scope }, err, { refused: (e) => acknowledge(`:warning: ${e.userMessage}`) }, 'parse');
        return;
      }
      const { request, replies } = slackRequest(
        deps,
        client,
        { acknowledge, notify: viaRespond(respond), working: WORKING[parsed.source.kind] },
        {
          requestId: requestJobId(parsed.task.task, cmd.team_id, cmd.trigger_id),
          teamId: cmd.team_id,
          userId: cmd.user_id,
          source: sourceIn(cmd.channel_id, parsed.source),
          overrides: parsed.overrides,
          task: parsed.task,
          private: parsed.private,
        },
      );
      await deps.pipeline.run(request, replies);
    });
  }
}
