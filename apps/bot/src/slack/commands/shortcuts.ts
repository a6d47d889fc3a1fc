import { requestJobId, type TaskRequest } from '@parley/jobs';
import type { App, MessageShortcut } from '@slack/bolt';
import type { TaskSource } from '../reading/read-source.js';
import type { SlackMessage } from '../reading/slack-messages.js';
import { slackRequest, viaRespond, type SlackRequestDeps } from './slack-request.js';

export const SUMMARIZE_SHORTCUT = 'summarize_thread';
export const TRANSLATE_SHORTCUT = 'translate_message';
export const ENTITIES_SHORTCUT = 'extract_entities';

interface ShortcutDef {
  callbackId: string;
  task: TaskRequest;
  working: string;
  /** What the shortcut works on: the message it was used on, or that message's whole thread. */
  source: (shortcut: MessageShortcut) => TaskSource;
}

const SHORTCUTS: readonly ShortcutDef[] = [
  {
    // The Slack-native way to summarize from inside a thread (slash commands do not run there): any message of it.
    callbackId: SUMMARIZE_SHORTCUT,
    task: { task: 'summarize' },
    working: 'summarizing this thread',
    source: (s) => ({ kind: 'thread', channelId: s.channel.id, threadTs: s.message.thread_ts ?? s.message.ts }),
  },
  {
    // No language to ask for in a shortcut: the channel's target_language setting decides.
    callbackId: TRANSLATE_SHORTCUT,
    task: { task: 'translate' },
    working: 'translating this message',
    source: (s) => ({ kind: 'message', channelId: s.channel.id, message: s.message as SlackMessage & { ts: string } }),
  },
  {
    callbackId: ENTITIES_SHORTCUT,
    task: { task: 'entities' },
    working: 'looking for people, places, dates and amounts in this message',
    source: (s) => ({ kind: 'message', channelId: s.channel.id, message: s.message as SlackMessage & { ts: string } }),
  },
];

/**
 * The message shortcuts: "Summarize thread" (the thread of the message), "Translate message" and
 * "Extract entities" (the message itself, which comes with the shortcut). Acknowledged at once;
 * the answer goes into the message's thread.
 */
export function registerShortcuts(app: App, deps: SlackRequestDeps): void {
  for (const def of SHORTCUTS) {
    app.shortcut<MessageShortcut>({ callback_id: def.callbackId, type: 'message_action' }, async ({ shortcut, ack, respond, client }) => {
      await ack();
      const teamId = shortcut.team?.id ?? '';
      const { request, replies } = slackRequest(
        deps,
        client,
        { notify: viaRespond(respond), working: `:hourglass_flowing_sand: Working on it: ${def.working}…` },
        {
          requestId: requestJobId(def.task.task, teamId, shortcut.trigger_id),
          teamId,
          userId: shortcut.user.id,
          source: def.source(shortcut),
          overrides: {},
          task: def.task,
        },
      );
      await deps.pipeline.run(request, replies);
    });
  }
}
