import { requestJobId } from '@parley/jobs';
import { parseOverrides, SettingsError, type Settings } from '@parley/settings';
import type { App } from '@slack/bolt';
import { admit, queueThreadTask, viaRespond, type ThreadTask, type ThreadTaskDeps } from './thread-task.js';
import { parseThreadLink, type ThreadRef } from './thread-link.js';

interface ParsedCommand {
  task: ThreadTask;
  thread: ThreadRef;
}

/** Finds the thread link among the words and gives the words around it to `build`. */
function withLink(text: string, build: (before: string, after: string) => ThreadTask | null): ParsedCommand | null {
  const words = text.trim().split(/\s+/);
  const at = words.findIndex((w) => parseThreadLink(w) !== null);
  if (at === -1) return null;
  const task = build(words.slice(0, at).join(' '), words.slice(at + 1).join(' '));
  return task && { task, thread: parseThreadLink(words[at]!)! };
}

const COMMANDS: { name: string; usage: string; parse: (rest: string) => ParsedCommand | null }[] = [
  {
    name: '/summarize',
    usage: '`/summarize <link>`; settings go before the link, e.g. `/summarize preset=creative <link>` or `/summarize temperature=0.3 sample <link>`',
    parse: (rest) => withLink(rest, (before, after) => (before || after ? null : { task: 'summarize' })),
  },
  {
    name: '/translate',
    usage: '`/translate <language> <thread link>`, e.g. `/translate German <link>`',
    parse: (rest) => withLink(rest, (before) => (before ? { task: 'translate', language: before } : null)),
  },
  {
    name: '/entities',
    usage: '`/entities <thread link>`',
    parse: (rest) => withLink(rest, () => ({ task: 'entities' })),
  },
  {
    name: '/ask',
    usage: '`/ask <thread link> <question>`',
    parse: (rest) => withLink(rest, (before, after) => (`${before} ${after}`.trim() ? { task: 'ask', question: `${before} ${after}`.trim() } : null)),
  },
];

/**
 * `/summarize`, `/translate`, `/entities` and `/ask` on a thread named by its link: Slack does
 * not run slash commands inside threads and does not say which thread a command came from.
 * Settings (`temperature=0.3`, `preset=creative`) come first. Acknowledged at once; problems
 * after the ack reach the user privately through `respond`.
 */
export function registerThreadCommands(app: App, deps: ThreadTaskDeps): void {
  for (const command of COMMANDS) {
    app.command(command.name, async ({ command: cmd, ack, respond, client }) => {
      let overrides: Settings;
      let rest: string;
      try {
        ({ overrides, rest } = parseOverrides(cmd.text));
      } catch (err) {
        if (!(err instanceof SettingsError)) throw err;
        await ack({ response_type: 'ephemeral', text: `:warning: ${err.userMessage}` });
        return;
      }
      const parsed = command.parse(rest);
      if (!parsed) {
        await ack({
          response_type: 'ephemeral',
          text: `Slack does not run commands inside threads, so point me at one: *Copy link* on any message of the thread. Usage: ${command.usage}.`,
        });
        return;
      }
      if (parsed.thread.channelId !== cmd.channel_id) {
        // The reply is posted in the thread; asking from inside its channel shows the requester
        // can see that thread, so nobody works on a channel they are not in.
        await ack({ response_type: 'ephemeral', text: `Run ${command.name} in the channel where that thread is: the reply is posted in the thread.` });
        return;
      }
      const requestId = requestJobId(parsed.task.task, cmd.team_id, cmd.trigger_id);
      const refusal = await admit(deps, { teamId: cmd.team_id, channelId: cmd.channel_id, userId: cmd.user_id }, requestId);
      if (refusal) {
        await ack({ response_type: 'ephemeral', text: `:hourglass: ${refusal}` });
        return;
      }
      await ack({ response_type: 'ephemeral', text: ':hourglass_flowing_sand: Working on it…' });
      await queueThreadTask(deps, client, viaRespond(respond), {
        requestId,
        teamId: cmd.team_id,
        userId: cmd.user_id,
        thread: parsed.thread,
        overrides,
        task: parsed.task,
      });
    });
  }
}
