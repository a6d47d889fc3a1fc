import { requestJobId } from '@parley/jobs';
import type { App, MessageShortcut } from '@slack/bolt';
import type { SlackMessage } from './slack-messages.js';
import { admit, queueThreadTask, viaRespond, type ThreadTask, type ThreadTaskDeps } from './thread-task.js';

export const TRANSLATE_SHORTCUT = 'translate_message';
export const ENTITIES_SHORTCUT = 'extract_entities';

const SHORTCUTS: readonly { callbackId: string; task: ThreadTask; working: string }[] = [
  // No language to ask for in a shortcut: the channel's target_language setting decides.
  { callbackId: TRANSLATE_SHORTCUT, task: { task: 'translate' }, working: 'translating this message' },
  { callbackId: ENTITIES_SHORTCUT, task: { task: 'entities' }, working: 'looking for people, places, dates and amounts in this message' },
];

/**
 * "Translate message" and "Extract entities", message shortcuts on one message: the message
 * comes with the shortcut, and the answer goes into that message's thread.
 */
export function registerMessageShortcuts(app: App, deps: ThreadTaskDeps): void {
  for (const shortcutDef of SHORTCUTS) {
    app.shortcut<MessageShortcut>({ callback_id: shortcutDef.callbackId, type: 'message_action' }, async ({ shortcut, ack, respond, client }) => {
      await ack();
      const teamId = shortcut.team?.id ?? '';
      const requestId = requestJobId(shortcutDef.task.task, teamId, shortcut.trigger_id);
      const channelId = shortcut.channel.id;
      const refusal = await admit(deps, { teamId, channelId, userId: shortcut.user.id }, requestId);
      if (refusal) {
        await respond({ response_type: 'ephemeral', text: `:hourglass: ${refusal}` });
        return;
      }
      await respond({ response_type: 'ephemeral', text: `:hourglass_flowing_sand: Working on it: ${shortcutDef.working}…` });
      const message = shortcut.message as SlackMessage & { ts: string };
      await queueThreadTask(deps, client, viaRespond(respond), {
        requestId,
        teamId,
        userId: shortcut.user.id,
        source: { kind: 'message', channelId, message },
        overrides: {},
        task: shortcutDef.task,
      });
    });
  }
}
