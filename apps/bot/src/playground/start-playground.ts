import { connectRedis } from '@parley/service-kit';
import type { AddressInfo } from 'node:net';
import type { BotConfig } from '../config.js';
import type { AdapterContext } from '../core/adapter-context.js';
import { startReplyConsumer } from '../core/reply-consumer.js';
import { playgroundDelivery } from './delivery.js';
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
  shared: AdapterContext,
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
  const service = new PlaygroundService({ store, hub, pipeline: shared.pipeline, settings: shared.settings, log, maxMessages: config.SUMMARIZE_MAX_MESSAGES, maxNewTokens: config.MAX_NEW_TOKENS });

  const replies = startReplyConsumer('playground', playgroundDelivery({ store, hub, log }), { ...shared.replyDeps, redis });

  const loopbackOnly = ['127.0.0.1', 'localhost', '::1'].includes(playground.host);
  const server = createPlaygroundServer({ service, store, hub, feedback: shared.feedback, metrics: shared.metrics, log, randomTestModel: playground.randomTestModel, loopbackOnly });
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
    await replies.close();
    redis.disconnect();
  };
}
