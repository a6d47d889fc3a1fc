import type { Logger } from '@parley/service-kit';
import bolt from '@slack/bolt';
import type { SlackTransport } from '../config.js';
import type { Intake } from '../core/intake.js';
import { boltLogger } from './bolt-logger.js';
import { dedupeEvents, type EventClaims } from './event-dedupe.js';
import { registerGenconfigCommand } from './genconfig-command.js';
import { registerMentions } from './mention-handler.js';
import { registerSummarizeShortcut } from './summarize-shortcut.js';
import { registerThreadCommands } from './thread-commands.js';
import { buildReceiver, type SlackReceiver } from './receiver.js';
import type { SettingsStore } from '../core/settings-store.js';
import type { UserNames } from './user-names.js';

const { App } = bolt;

export interface SlackAppOptions {
  transport: SlackTransport;
  eventClaims: EventClaims;
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
  registerMentions(app, opts);
  registerGenconfigCommand(app, opts);
  registerThreadCommands(app, opts);
  app.error(async (err) => {
    opts.log.error({ code: err.code, name: err.name }, 'unhandled Slack listener error');
  });
  return { app, receiver };
}
