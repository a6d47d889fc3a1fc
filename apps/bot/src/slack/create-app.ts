import type { Logger } from '@parley/service-kit';
import bolt from '@slack/bolt';
import type { SlackTransport } from '../config.js';
import type { PlatformMetrics } from '../core/bot-metrics.js';
import type { FeedbackStore } from '../core/feedback.js';
import type { SettingsStore } from '../core/settings-store.js';
import { registerAssistant } from './assistant/assistant.js';
import type { AssistantContexts } from './assistant/thread-contexts.js';
import { boltLogger } from './bolt-logger.js';
import { registerMentions } from './commands/mentions.js';
import { registerShortcuts } from './commands/shortcuts.js';
import type { SlackRequestDeps } from './commands/slack-request.js';
import { registerTaskCommands } from './commands/task-commands.js';
import { dedupeEvents, type EventClaims } from './event-dedupe.js';
import { registerFeedbackAction } from './feedback/feedback-action.js';
import { registerGenconfigCommand } from './genconfig/genconfig-command.js';
import { registerGenconfigForm } from './genconfig/genconfig-form.js';
import { registerAppHome } from './home/app-home.js';
import { buildReceiver, type SlackReceiver } from './receiver.js';

const { App } = bolt;

export interface SlackAppOptions extends SlackRequestDeps {
  transport: SlackTransport;
  eventClaims: EventClaims;
  token: string;
  apiUrl: string | undefined;
  settings: SettingsStore;
  feedback: FeedbackStore;
  metrics: PlatformMetrics;
  log: Logger;
  adminUserIds: readonly string[];
  /** The bot's own length limit, shown where nothing else is set (MAX_NEW_TOKENS). */
  maxNewTokens: number;
  /** Answer other bots' mentions (SLACK_ANSWER_BOTS). */
  answerBots: boolean;
  /** What each assistant thread's user has open next to it. */
  assistantContexts: AssistantContexts;
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
  registerShortcuts(app, opts);
  registerMentions(app, opts);
  registerGenconfigCommand(app, opts);
  registerGenconfigForm(app, opts);
  registerAppHome(app, opts);
  registerFeedbackAction(app, opts);
  registerAssistant(app, opts);
  registerTaskCommands(app, opts);
  app.error(async (err) => {
    opts.log.error({ code: err.code, name: err.name }, 'unhandled Slack listener error');
  });
  return { app, receiver };
}
