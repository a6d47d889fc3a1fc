import { ConfigError, connectRedis, type Logger } from '@parley/service-kit';
import { WebClient } from '@slack/web-api';
import type { BotConfig, SlackTransport } from '../config.js';
import type { PlatformMetrics } from '../core/bot-metrics.js';
import type { Intake } from '../core/intake.js';
import type { SettingsStore } from '../core/settings-store.js';
import { createSlackApp } from './create-app.js';
import { EventClaims } from './event-dedupe.js';
import { Permalinks } from './permalinks.js';
import { PlaceholderEditor } from './placeholder-editor.js';
import { Placeholders } from './placeholders.js';
import { startReplyStream } from './reply-stream.js';
import { startSlackDelivery } from './slack-delivery.js';
import { UserNames } from './user-names.js';

/** Starts the Slack adapter: the Bolt app, the streamed edits and the reply delivery. Resolves with its stop. */
export async function startSlack(
  config: BotConfig,
  slack: { token: string; transport: SlackTransport },
  shared: { intake: Intake; settings: SettingsStore; instanceId: string; log: Logger; metrics: PlatformMetrics },
): Promise<() => Promise<void>> {
  const { log, intake, instanceId } = shared;
  const slackClient = (retries: number, rejectRateLimitedCalls = false, timeout?: number) =>
    new WebClient(slack.token, {
      ...(config.SLACK_API_URL && { slackApiUrl: config.SLACK_API_URL }),
      retryConfig: { retries },
      rejectRateLimitedCalls,
      ...(timeout && { timeout }),
    });
  const client = slackClient(2);
  const auth = await client.auth.test().catch((err: { data?: { error?: string } }) => {
    throw new ConfigError(`SLACK_BOT_TOKEN was refused by Slack (${err.data?.error ?? 'no answer'})`);
  });
  const bot = { userId: auth.user_id ?? '', botId: auth.bot_id ?? '' };

  const redis = connectRedis(config.REDIS_URL, 'consumer');
  redis.on('error', (err) => log.error({ err: err.message }, 'redis error'));
  // Posting is not idempotent: a lost answer must not make the client post again by itself.
  const postOnce = slackClient(0, true);
  // A streamed edit that is late is worse than one skipped: no retries, and a short timeout.
  const editor = new PlaceholderEditor(slackClient(0, true, 2000), { updatesPerMinute: config.SLACK_UPDATES_PER_MINUTE, log, metrics: shared.metrics });
  const placeholders = new Placeholders(postOnce, redis, config.PARLEY_QUEUE_PREFIX, log);
  // A producer connection: an event claim fails fast rather than waiting for Redis to return.
  const claimsRedis = connectRedis(config.REDIS_URL, 'producer');
  claimsRedis.on('error', (err) => log.error({ err: err.message }, 'event-claims redis error'));
  await claimsRedis.connect();
  const eventClaims = new EventClaims(claimsRedis, config.PARLEY_QUEUE_PREFIX, (err) => log.warn({ err: err.message }, 'event claim failed; handling the event anyway'));
  const { receiver } = createSlackApp({
    transport: slack.transport,
    eventClaims,
    token: slack.token,
    apiUrl: config.SLACK_API_URL,
    bot,
    names: new UserNames(client),
    adminUserIds: config.PARLEY_ADMIN_USER_IDS.split(',').map((s) => s.trim()).filter(Boolean),
    settings: shared.settings,
    intake,
    log,
    maxMessages: config.SUMMARIZE_MAX_MESSAGES,
    maxNewTokens: config.MAX_NEW_TOKENS,
    answerBots: config.SLACK_ANSWER_BOTS,
    placeholders,
  });
  const stream = startReplyStream({ redisUrl: config.REDIS_URL, redis, prefix: config.PARLEY_QUEUE_PREFIX, instanceId, editor, placeholders, log });
  const delivery = startSlackDelivery({
    client: postOnce,
    redis,
    redisUrl: config.REDIS_URL,
    prefix: config.PARLEY_QUEUE_PREFIX,
    instanceId,
    editor,
    placeholders,
    permalinks: new Permalinks(client),
    metrics: shared.metrics,
    log,
  });

  const listening = await receiver.start();
  log.info({ ...listening, team: auth.team_id, botUserId: bot.userId }, 'slack adapter listening');

  return async () => {
    await receiver.stop();
    await delivery.close();
    await stream.close();
    editor.close();
    redis.disconnect();
    claimsRedis.disconnect();
  };
}
