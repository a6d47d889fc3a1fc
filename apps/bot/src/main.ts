import { assertRedisReachable, ConfigError, connectRedis, createLogger, exitOnStartupFailure, onShutdown } from '@parley/service-kit';
import { WebClient } from '@slack/web-api';
import { loadConfig } from './config.js';
import { Intake } from './core/intake.js';
import { createSlackApp } from './slack/create-app.js';
import { EventClaims } from './slack/event-dedupe.js';
import { startSlackDelivery } from './slack/slack-delivery.js';
import { SettingsStore } from './core/settings-store.js';
import { UserNames } from './slack/user-names.js';
import { Permalinks } from './slack/permalinks.js';
import { PlaceholderEditor } from './slack/placeholder-editor.js';
import { Placeholders } from './slack/placeholders.js';
import { startReplyStream } from './slack/reply-stream.js';
import { startBotOps } from './ops/start-bot-ops.js';
import { randomUUID } from 'node:crypto';

const APP = 'parley-bot';

async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(APP);
  await assertRedisReachable(config.REDIS_URL);
  const ops = await startBotOps(config, log);

  const slackClient = (retries: number, rejectRateLimitedCalls = false, timeout?: number) =>
    new WebClient(config.SLACK_BOT_TOKEN, {
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

  const intake = new Intake(
    config.REDIS_URL,
    config.PARLEY_QUEUE_PREFIX,
    {
      perUserPerMinute: config.RATE_LIMIT_USER_PER_MINUTE,
      perChannelPerMinute: config.RATE_LIMIT_CHANNEL_PER_MINUTE,
      fairShareWindowSec: config.FAIR_SHARE_WINDOW_SECONDS,
      maxQueued: config.MAX_QUEUED_REQUESTS,
    },
    (err) => log.error({ err: err.message }, 'intake error'),
  );
  await intake.ready();
  const instanceId = randomUUID();
  const redis = connectRedis(config.REDIS_URL, 'consumer');
  redis.on('error', (err) => log.error({ err: err.message }, 'redis error'));
  // Posting is not idempotent: a lost answer must not make the client post again by itself.
  const postOnce = slackClient(0, true);
  // A streamed edit that is late is worse than one skipped: no retries, and a short timeout.
  const editor = new PlaceholderEditor(slackClient(0, true, 2000), { updatesPerMinute: config.SLACK_UPDATES_PER_MINUTE, log, metrics: ops.metrics });
  const placeholders = new Placeholders(postOnce, redis, config.PARLEY_QUEUE_PREFIX, log);
  const settingsRedis = connectRedis(config.REDIS_URL, 'consumer');
  settingsRedis.on('error', (err) => log.error({ err: err.message }, 'settings redis error'));
  // A producer connection: an event claim fails fast rather than waiting for Redis to return.
  const claimsRedis = connectRedis(config.REDIS_URL, 'producer');
  claimsRedis.on('error', (err) => log.error({ err: err.message }, 'event-claims redis error'));
  await claimsRedis.connect();
  const eventClaims = new EventClaims(claimsRedis, config.PARLEY_QUEUE_PREFIX, (err) => log.warn({ err: err.message }, 'event claim failed; handling the event anyway'));
  const { receiver } = createSlackApp({
    transport: config.transport,
    eventClaims,
    token: config.SLACK_BOT_TOKEN,
    apiUrl: config.SLACK_API_URL,
    bot,
    names: new UserNames(client),
    adminUserIds: config.PARLEY_ADMIN_USER_IDS.split(',').map((s) => s.trim()).filter(Boolean),
    // The store WATCHes its keys, so it gets a connection of its own.
    settings: new SettingsStore(settingsRedis, config.PARLEY_QUEUE_PREFIX, { onCorrupt: (c) => log.warn({ corrupt: c.field }, 'corrupted setting ignored') }),
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
    log,
    metrics: ops.metrics,
  });

  const listening = await receiver.start();
  log.info({ ...listening, team: auth.team_id, botUserId: bot.userId }, 'slack adapter listening');

  onShutdown(
    async () => {
      await receiver.stop();
      await delivery.close();
      await stream.close();
      editor.close();
      await intake.close();
      redis.disconnect();
      settingsRedis.disconnect();
      claimsRedis.disconnect();
      await ops.close();
    },
    config.SHUTDOWN_DEADLINE_MS,
    (msg) => log.info(msg),
  );
}

main().catch((err: unknown) => exitOnStartupFailure(APP, err));
