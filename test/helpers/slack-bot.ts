import { AppProcess } from './app-process.js';
import { FAKE_BOT, type FakeSlack } from './fake-slack.js';
import { REDIS_URL } from './redis.js';

export const SIGNING_SECRET = 'test-signing-secret';

/**
 * A real bot process in HTTP mode against the fake Slack, on a free loopback port, with its
 * queues under `prefix`; `env` adds to or overrides the defaults. Resolves once it listens.
 */
export async function startSlackBot(fake: FakeSlack, prefix: string, env: Record<string, string> = {}): Promise<{ bot: AppProcess; url: string }> {
  const bot = new AppProcess('bot', {
    REDIS_URL,
    PARLEY_QUEUE_PREFIX: prefix,
    LOG_LEVEL: 'info',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: FAKE_BOT.token,
    SLACK_API_URL: fake.apiUrl,
    PORT: '0',
    HOST: '127.0.0.1',
    ...env,
  });
  const listening = await bot.waitForLog('slack adapter listening');
  return { bot, url: `http://127.0.0.1:${String(listening['port'])}/slack/events` };
}
