import { ConfigError, connectRedis, type Logger } from '@parley/service-kit';
import { Events, type Client } from 'discord.js';
import type { BotConfig } from '../config.js';
import type { PlatformMetrics } from '../core/bot-metrics.js';
import type { Intake } from '../core/intake.js';
import { startProgressStream } from '../core/progress-stream.js';
import type { SettingsStore } from '../core/settings-store.js';
import { createDiscordClient, createRest } from './discord-client.js';
import { startDiscordDelivery } from './discord-delivery.js';
import { DisplayNames } from './display-names.js';
import { discordStreamingText } from './format-reply.js';
import { registerInteractions } from './interactions.js';
import { registerMentions } from './mentions.js';
import { ReplyEditor } from './reply-editor.js';
import { replyHandleOf } from './reply-handle.js';

async function login(client: Client, token: string): Promise<void> {
  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(token).catch((err: Error) => {
    throw new ConfigError(`DISCORD_TOKEN was refused by Discord (${err.message.slice(0, 100)})`);
  });
  await ready;
}

/** Starts the Discord adapter: the gateway client, streamed edits and the reply delivery. Resolves with its stop. */
export async function startDiscord(
  config: BotConfig,
  discord: { token: string; applicationId: string },
  shared: { intake: Intake; settings: SettingsStore; instanceId: string; log: Logger; metrics: PlatformMetrics },
): Promise<() => Promise<void>> {
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
    ...shared,
    editor,
    names: new DisplayNames((id) => client.guilds.cache.get(id)),
    maxMessages: config.SUMMARIZE_MAX_MESSAGES,
    maxNewTokens: config.MAX_NEW_TOKENS,
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

  const stream = startProgressStream({
    redisUrl: config.REDIS_URL,
    redis,
    prefix: config.PARLEY_QUEUE_PREFIX,
    instanceId: shared.instanceId,
    log,
    wants: ({ target }) => target.platform === 'discord' && replyHandleOf(target) !== undefined,
    show: ({ target, text }) => {
      const handle = target.platform === 'discord' ? replyHandleOf(target) : undefined;
      if (handle) editor.show(handle, discordStreamingText(text));
    },
  });
  const delivery = startDiscordDelivery({
    rest: createRest(discord.token, { apiUrl, timeoutMs: 10_000 }),
    redis,
    redisUrl: config.REDIS_URL,
    prefix: config.PARLEY_QUEUE_PREFIX,
    editor,
    tokenLifetimeMs: config.DISCORD_TOKEN_LIFETIME_MS,
    metrics: shared.metrics,
    log,
  });

  await login(client, discord.token);
  log.info({ botUserId: client.user!.id, guilds: client.guilds.cache.size, applicationId: discord.applicationId }, 'discord adapter ready');

  return async () => {
    await client.destroy();
    await delivery.close();
    await stream.close();
    editor.close();
    redis.disconnect();
  };
}
