import { AppProcess } from './app-process.js';
import { FAKE_BOT, type FakeSlack } from './fake-slack.js';
import { FAKE_APP_TOKEN, type FakeSlackSocket } from './fake-slack-socket.js';
import { HttpSlackDriver, SocketSlackDriver, type SlackDriver, type Transport } from './slack-driver.js';
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

/** A bot process for one transport against the fake Slack; `env` carries the Redis, prefix and anything else. */
export function slackBotProcess(transport: Transport, fake: FakeSlack, env: Record<string, string>): AppProcess {
  const slack = { LOG_LEVEL: 'info', SLACK_BOT_TOKEN: FAKE_BOT.token, SLACK_API_URL: fake.apiUrl, ...env };
  return transport === 'http'
    ? new AppProcess('bot', { ...slack, SLACK_MODE: 'http', SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0', HOST: '127.0.0.1' })
    : new AppProcess('bot', { ...slack, SLACK_MODE: 'socket', SLACK_APP_TOKEN: FAKE_APP_TOKEN });
}

/** Waits until the bot listens and returns a driver that speaks to it as Slack would over its transport. */
export async function driverFor(transport: Transport, bot: AppProcess, fake: FakeSlack, socket: FakeSlackSocket): Promise<SlackDriver> {
  const up = await bot.waitForLog('slack adapter listening');
  return transport === 'http' ? new HttpSlackDriver(fake, `http://127.0.0.1:${String(up['port'])}/slack/events`, SIGNING_SECRET) : new SocketSlackDriver(fake, socket);
}

/** An HTTP bot and a Socket Mode bot side by side on one Redis and prefix, as a deployment moving between transports would run them. */
export async function startSlackBots(fake: FakeSlack, socket: FakeSlackSocket, env: Record<string, string>): Promise<{ bots: Record<Transport, AppProcess>; drivers: Record<Transport, SlackDriver> }> {
  const bots = { http: slackBotProcess('http', fake, env), socket: slackBotProcess('socket', fake, env) };
  const [http, sock] = await Promise.all([driverFor('http', bots.http, fake, socket), driverFor('socket', bots.socket, fake, socket)]);
  return { bots, drivers: { http, socket: sock } };
}
