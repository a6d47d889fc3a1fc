import bolt from '@slack/bolt';
import type { SlackTransport } from '../config.js';
import { boltLogger } from './bolt-logger.js';
import { registerAppHome } from './app-home.js';
import { dedupeEvents, type EventClaims } from './event-dedupe.js';
import { registerGenconfigCommand } from './genconfig-command.js';
import { registerGenconfigForm } from './genconfig-form.js';
import { registerMentions } from './mention-handler.js';
import { registerMessageShortcuts } from './message-shortcuts.js';
import { registerSummarizeShortcut } from './summarize-shortcut.js';
import { registerThreadCommands } from './thread-commands.js';
import type { ThreadTaskDeps } from './thread-task.js';
import { buildReceiver, type SlackReceiver } from './receiver.js';

const { App } = bolt;

export interface SlackAppOptions extends ThreadTaskDeps {
  transport: SlackTransport;
  eventClaims: EventClaims;
  token: string;
  apiUrl: string | undefined;
  adminUserIds: readonly string[];
  /** Answer other bots' mentions (SLACK_ANSWER_BOTS). */
  answerBots: boolean;
}

/** The Slack adapter over either transport; every surface is registered the same way on both. */
export function createSlackApp(opts: SlackAppOptions): { app: bolt.App; receiver: SlackReceiver } {
  const logger = boltLogger(opts.log);
  const receiver = buildReceiver(opts.transport, { logger, apiUrl: opts.apiUrl });
  const app = new App({
    token: opts.token,
    receiver: receiver.receiver,
    logger,
    botId: opts.bot.botId,
    botUserId: opts.bot.userId,
    clientOptions: { ...(opts.apiUrl && { slackApiUrl: opts.apiUrl }), retryConfig: { retries: 2 } },
  });
  app.use(dedupeEvents(opts.eventClaims, opts.log));
  registerSummarizeShortcut(app, opts);
  registerMessageShortcuts(app, opts);
  registerMentions(app, opts);
  registerGenconfigCommand(app, opts);
  registerGenconfigForm(app, opts);
  registerAppHome(app, opts);
  registerThreadCommands(app, opts);
  app.error(async (err) => {
    opts.log.error({ code: err.code, name: err.name }, 'unhandled Slack listener error');
  });
  return { app, receiver };
}
