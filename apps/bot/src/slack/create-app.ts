import bolt from '@slack/bolt';
import { boltLogger } from './bolt-logger.js';
import { registerAppHome } from './app-home.js';
import { registerGenconfigCommand } from './genconfig-command.js';
import { registerGenconfigForm } from './genconfig-form.js';
import { registerMentions } from './mention-handler.js';
import { registerMessageShortcuts } from './message-shortcuts.js';
import { registerSummarizeShortcut } from './summarize-shortcut.js';
import { registerThreadCommands } from './thread-commands.js';
import type { ThreadTaskDeps } from './thread-task.js';

const { App, HTTPReceiver } = bolt;

export interface SlackAppOptions extends ThreadTaskDeps {
  signingSecret: string;
  token: string;
  apiUrl: string | undefined;
  adminUserIds: readonly string[];
  /** Answer other bots' mentions (SLACK_ANSWER_BOTS). */
  answerBots: boolean;
}

/** The Slack adapter in HTTP mode: Bolt verifies every request's signature before a listener runs. */
export function createSlackApp(opts: SlackAppOptions): { app: bolt.App; receiver: bolt.HTTPReceiver } {
  const logger = boltLogger(opts.log);
  const receiver = new HTTPReceiver({ signingSecret: opts.signingSecret, logger, endpoints: '/slack/events' });
  const app = new App({
    token: opts.token,
    receiver,
    logger,
    botId: opts.bot.botId,
    botUserId: opts.bot.userId,
    clientOptions: { ...(opts.apiUrl && { slackApiUrl: opts.apiUrl }), retryConfig: { retries: 2 } },
  });
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
