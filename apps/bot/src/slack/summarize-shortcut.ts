import { requestJobId } from '@parley/jobs';
import type { App, MessageShortcut } from '@slack/bolt';
import { admit, queueThreadTask, viaRespond, type ThreadTaskDeps } from './thread-task.js';

export const SUMMARIZE_SHORTCUT = 'summarize_thread';

/**
 * "Summarize thread", the message shortcut: the Slack-native way to summarize from inside a
 * thread (slash commands do not run there). Works on any message of the thread.
 */
export function registerSummarizeShortcut(app: App, deps: ThreadTaskDeps): void {
  app.shortcut<MessageShortcut>({ callback_id: SUMMARIZE_SHORTCUT, type: 'message_action' }, async ({ shortcut, ack, respond, client }) => {
    await ack();
    const teamId = shortcut.team?.id ?? '';
    const requestId = requestJobId('summarize', teamId, shortcut.trigger_id);
    const channelId = shortcut.channel.id;
    const threadTs = shortcut.message.thread_ts ?? shortcut.message.ts;
    const refusal = await admit(deps, { teamId, channelId, userId: shortcut.user.id }, requestId);
    if (refusal) {
      await respond({ response_type: 'ephemeral', text: `:hourglass: ${refusal}` });
      return;
    }
    await respond({ response_type: 'ephemeral', text: ':hourglass_flowing_sand: Working on it: summarizing this thread…' });
    await queueThreadTask(deps, client, viaRespond(respond), {
      requestId,
      teamId,
      userId: shortcut.user.id,
      source: { kind: 'thread', channelId, threadTs },
      overrides: {},
      task: { task: 'summarize' },
    });
  });
}
