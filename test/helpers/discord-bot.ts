import { AppProcess } from './app-process.js';
import { FAKE_DISCORD, type FakeDiscord } from './fake-discord.js';
import { REDIS_URL } from './redis.js';

/**
 * A real bot process running only the Discord adapter against the fake Discord, with its queues
 * under `prefix`; `env` adds to or overrides the defaults. Resolves once it is logged in.
 */
export async function startDiscordBot(fake: FakeDiscord, prefix: string, applicationId: string, env: Record<string, string> = {}): Promise<AppProcess> {
  const bot = new AppProcess('bot', {
    REDIS_URL,
    PARLEY_QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'info',
    DISCORD_TOKEN: FAKE_DISCORD.token,
    DISCORD_APPLICATION_ID: applicationId,
    DISCORD_API_URL: fake.apiUrl,
    RATE_LIMIT_CHANNEL_PER_MINUTE: '100',
    ...env,
  });
  await bot.waitForLog('discord adapter ready');
  return bot;
}
