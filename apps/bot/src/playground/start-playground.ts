import { connectRedis, type Logger } from '@parley/service-kit';
import type { AddressInfo } from 'node:net';
import type { BotConfig } from '../config.js';
import type { Intake } from '../core/intake.js';
import { startProgressStream, streamKeys } from '../core/progress-stream.js';
import type { SettingsStore } from '../core/settings-store.js';
import { startPlaygroundDelivery } from './delivery.js';
import { EventHub } from './hub.js';
import { createPlaygroundServer } from './server.js';
import { PlaygroundService } from './service.js';
import { PlaygroundStore } from './store.js';

const DEFAULT_CHANNELS = ['general', 'random'];

/**
 * Starts the web playground: a chat page served by the bot, behind the same intake, queue and
 * workers as Slack and Discord. Resolves with its stop once it listens.
 */
export async function startPlayground(
  config: BotConfig,
  playground: { port: number; host: string; randomTestModel: boolean },
  shared: { intake: Intake; settings: SettingsStore; instanceId: string; log: Logger },
): Promise<() => Promise<void>> {
  const { log } = shared;
  const prefix = config.PARLEY_QUEUE_PREFIX;
  const redis = connectRedis(config.REDIS_URL, 'consumer');
  redis.on('error', (err) => log.error({ err: err.message }, 'redis error'));
  const store = new PlaygroundStore(redis, prefix);
  for (const [i, channel] of DEFAULT_CHANNELS.entries()) await store.addChannel(channel, i);
  const subscriber = connectRedis(config.REDIS_URL, 'consumer');
  subscriber.on('error', (err) => log.error({ err: err.message }, 'redis error'));
  const hub = await EventHub.start(redis, subscriber, prefix, log);
  const service = new PlaygroundService({ store, hub, intake: shared.intake, settings: shared.settings, log, maxMessages: config.SUMMARIZE_MAX_MESSAGES, maxNewTokens: config.MAX_NEW_TOKENS });

  const stream = startProgressStream({
    redisUrl: config.REDIS_URL,
    redis,
    prefix,
    instanceId: shared.instanceId,
    log,
    wants: ({ target }) => target.platform === 'playground',
    show: async ({ requestId, text }) => {
      const ref = await store.placeholderFor(requestId);
      const current = ref && (await store.get(ref.channelId, ref.id));
      // Lossy by design: the page shows the newest text; the stored message waits for the final reply.
      if (!current || (current.state !== 'waiting' && current.state !== 'streaming')) return;
      // Checked again just before publishing: the final reply may have started meanwhile.
      if (await redis.exists(streamKeys.final(prefix, requestId))) return;
      hub.publish({ ...current, text, state: 'streaming' });
    },
  });
  const delivery = startPlaygroundDelivery({ redis, redisUrl: config.REDIS_URL, prefix, store, hub, log });

  const loopbackOnly = ['127.0.0.1', 'localhost', '::1'].includes(playground.host);
  const server = createPlaygroundServer({ service, store, hub, log, randomTestModel: playground.randomTestModel, loopbackOnly });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(playground.port, playground.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${playground.host.includes(':') ? `[${playground.host}]` : playground.host}:${port}/`;
  log.info({ url, randomTestModel: playground.randomTestModel }, 'playground ready');

  return async () => {
    hub.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
    await delivery.close();
    await stream.close();
    redis.disconnect();
  };
}
