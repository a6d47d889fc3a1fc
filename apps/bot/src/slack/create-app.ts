import type { Logger } from '@parley/service-kit';
import bolt from '@slack/bolt';
import type { Intake } from '../core/intake.js';
import { boltLogger } from './bolt-logger.js';
import { registerGenconfigCommand } from './genconfig-command.js';
import { registerMentions } from './mention-handler.js';
import { registerMessageShortcuts } from './message-shortcuts.js';
import { registerSummarizeShortcut } from './summarize-shortcut.js';
import { registerThreadCommands } from './thread-commands.js';
import type { SettingsStore } from '../core/settings-store.js';
import type { UserNames } from './user-names.js';

const { App, HTTPReceiver } = bolt;

export interface SlackAppOptions {
  signingSecret: string;
  token: string;
  apiUrl: string | undefined;
  bot: { userId: string; botId: string };
  names: UserNames;
  settings: SettingsStore;
  adminUserIds: readonly string[];
  intake: Intake;
  log: Logger;
  maxMessages: number;
  maxNewTokens: number;
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
  registerThreadCommands(app, opts);
  app.error(async (err) => {
    opts.log.error({ code: err.code, name: err.name }, 'unhandled Slack listener error');
  });
  return { app, receiver };
}
