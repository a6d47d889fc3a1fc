import { requestJobId } from '@parley/jobs';
import type { App } from '@slack/bolt';
import { UserFacingError } from '../core/user-facing-error.js';
import { parseCommand, type CommandName, type CommandRequest, type CommandSource } from './command-input.js';
import type { TaskSource } from './read-source.js';
import { admit, queueThreadTask, viaRespond, type ThreadTaskDeps } from './thread-task.js';

const COMMANDS: readonly CommandName[] = ['/summarize', '/translate', '/entities', '/ask'];

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
 * answer to the requester. Acknowledged at once; problems after the ack reach the user
 * privately through `respond`.
 */
export function registerThreadCommands(app: App, deps: ThreadTaskDeps): void {
  for (const name of COMMANDS) {
    app.command(name, async ({ command: cmd, ack, respond, client }) => {
      let parsed: CommandRequest;
      try {
        parsed = parseCommand(name, cmd.text, { maxMessages: deps.maxMessages });
      } catch (err) {
        if (!(err instanceof UserFacingError)) throw err;
        await ack({ response_type: 'ephemeral', text: `:warning: ${err.userMessage}` });
        return;
      }
      if (parsed.source.kind === 'thread' && parsed.source.thread.channelId !== cmd.channel_id) {
        // The reply is posted in the thread; asking from inside its channel shows the requester
        // can see that thread, so nobody works on a channel they are not in.
        await ack({ response_type: 'ephemeral', text: `Run ${name} in the channel where that thread is: the reply is posted in the thread.` });
        return;
      }
      const requestId = requestJobId(parsed.task.task, cmd.team_id, cmd.trigger_id);
      const refusal = await admit(deps, { teamId: cmd.team_id, channelId: cmd.channel_id, userId: cmd.user_id }, requestId);
      if (refusal) {
        await ack({ response_type: 'ephemeral', text: `:hourglass: ${refusal}` });
        return;
      }
      await ack({ response_type: 'ephemeral', text: WORKING[parsed.source.kind] });
      await queueThreadTask(deps, client, viaRespond(respond), {
        requestId,
        teamId: cmd.team_id,
        userId: cmd.user_id,
        source: sourceIn(cmd.channel_id, parsed.source),
        overrides: parsed.overrides,
        task: parsed.task,
        private: parsed.private,
      });
    });
  }
}
