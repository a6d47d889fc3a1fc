import { assertRedisReachable, connectRedis, createLogger, exitOnStartupFailure, onShutdown } from '@parley/service-kit';
import { randomUUID } from 'node:crypto';
import { loadConfig } from './config.js';
import type { AdapterContext } from './core/adapter-context.js';
import { FeedbackStore } from './core/feedback.js';
import { Intake } from './core/intake.js';
import { RequestPipeline } from './core/request-pipeline.js';
import { SettingsStore } from './core/settings-store.js';
import { startDiscord } from './discord/start-discord.js';
import { startBotOps } from './ops/start-bot-ops.js';
import { startPlayground } from './playground/start-playground.js';
import { startSlack } from './slack/start-slack.js';

const APP = 'parley-bot';

/**
 * Runs the Slack adapter when SLACK_BOT_TOKEN is set and the Discord one when DISCORD_TOKEN is; with
 * neither, the web playground. All of them share one request pipeline and one settings store.
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(APP);
  await assertRedisReachable(config.REDIS_URL);
  const ops = await startBotOps(config, log);

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
  const settingsRedis = connectRedis(config.REDIS_URL, 'consumer');
  settingsRedis.on('error', (err) => log.error({ err: err.message }, 'settings redis error'));
  // The store WATCHes its keys, so it gets a connection of its own.
  const settings = new SettingsStore(settingsRedis, config.PARLEY_QUEUE_PREFIX, { onCorrupt: (c) => log.warn({ corrupt: c.field }, 'corrupted setting ignored') });
  const feedbackRedis = connectRedis(config.REDIS_URL, 'consumer');
  feedbackRedis.on('error', (err) => log.error({ err: err.message }, 'feedback redis error'));
  const context: AdapterContext = {
    pipeline: new RequestPipeline({ intake, settings, log, maxNewTokens: config.MAX_NEW_TOKENS }),
    settings,
    feedback: new FeedbackStore(feedbackRedis, config.PARLEY_QUEUE_PREFIX),
    log,
    metrics: ops.metrics,
    replyDeps: { redisUrl: config.REDIS_URL, prefix: config.PARLEY_QUEUE_PREFIX, instanceId: randomUUID(), log, metrics: ops.metrics },
  };

  const stops: (() => Promise<void>)[] = [];
  if (config.slack) stops.push(await startSlack(config, config.slack, context));
  if (config.discord) stops.push(await startDiscord(config, config.discord, context));
  if (config.playground) stops.push(await startPlayground(config, config.playground, context));

  onShutdown(
    async () => {
      for (const stop of stops) await stop();
      await intake.close();
      settingsRedis.disconnect();
      feedbackRedis.disconnect();
      await ops.close();
    },
    config.SHUTDOWN_DEADLINE_MS,
    (msg) => log.info(msg),
  );
}

main().catch((err: unknown) => exitOnStartupFailure(APP, err));
