import { ConfigError, connectRedis } from '@parley/service-kit';
import { Events, type Client } from 'discord.js';
import type { BotConfig } from '../config.js';
import type { AdapterContext } from '../core/adapter-context.js';
import { startReplyConsumer } from '../core/reply-consumer.js';
import { createDiscordClient, createRest } from './discord-client.js';
import { discordDelivery } from './discord-delivery.js';
import { DisplayNames } from './display-names.js';
import { registerInteractions } from './interactions.js';
import { registerMentions } from './mentions.js';
import { ReplyEditor } from './reply-editor.js';

async function login(client: Client, token: string): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token).catch((err: Error) => {
    throw new ConfigError(`DISCORD_TOKEN was refused by Discord (${err.message.slice(0, 100)})`);
  });
  await ready;
}

/** Starts the Discord adapter: the gateway client and its replies (streamed edits and the answers). Resolves with its stop. */
export async function startDiscord(config: BotConfig, discord: { token: string; applicationId: string }, shared: AdapterContext): Promise<() => Promise<void>> {
  const { log } = shared;
  const apiUrl = config.DISCORD_API_URL;
  const client = createDiscordClient({ apiUrl, messageContent: config.DISCORD_MESSAGE_CONTENT });
  const redis = connectRedis(config.REDIS_URL, 'consumer');
  redis.on('error', (err) => log.error({ err: err.message }, 'redis error'));
  // A streamed edit that is late is worse than one skipped: no retries, and a short timeout.
  const editor = new ReplyEditor(createRest(discord.token, { apiUrl, timeoutMs: 2000 }), {
    intervalMs: config.DISCORD_EDIT_INTERVAL_MS,
    tokenLifetimeMs: config.DISCORD_TOKEN_LIFETIME_MS,
    log,
  });
  const deps = {
    pipeline: shared.pipeline,
    settings: shared.settings,
    feedback: shared.feedback,
    metrics: shared.metrics,
    log,
    editor,
    names: new DisplayNames((id) => client.guilds.cache.get(id)),
    maxMessages: config.SUMMARIZE_MAX_MESSAGES,
    messageContent: config.DISCORD_MESSAGE_CONTENT,
    redis,
    prefix: config.PARLEY_QUEUE_PREFIX,
    get botUserId() {
      return client.user?.id ?? '';
    },
  };
  client.on(Events.ShardResume, (shard, replayed) => log.info({ shard, replayed }, 'discord session resumed'));
  client.on(Events.ShardReconnecting, (shard) => log.info({ shard }, 'discord gateway reconnecting'));
  client.on(Events.Error, (err) => log.error({ err: err.message }, 'discord client error'));
  registerInteractions(client, deps);
  registerMentions(client, deps);

  const delivery = discordDelivery({
    rest: createRest(discord.token, { apiUrl, timeoutMs: 10_000 }),
    redis,
    prefix: config.PARLEY_QUEUE_PREFIX,
    editor,
    tokenLifetimeMs: config.DISCORD_TOKEN_LIFETIME_MS,
    log,
  });
  const replies = startReplyConsumer('discord', delivery, { ...shared.replyDeps, redis });

  await login(client, discord.token);
  log.info({ botUserId: client.user!.id, guilds: client.guilds.cache.size, applicationId: discord.applicationId }, 'discord adapter ready');

  return async () => {
    await client.destroy();
    await replies.close();
    editor.close();
    redis.disconnect();
  };
}
