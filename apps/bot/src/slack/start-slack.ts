import { ConfigError, connectRedis } from '@parley/service-kit';
import { WebClient } from '@slack/web-api';
import type { BotConfig, SlackTransport } from '../config.js';
import type { AdapterContext } from '../core/adapter-context.js';
import { startReplyConsumer } from '../core/reply-consumer.js';
import { AssistantContexts } from './assistant/thread-contexts.js';
import { createSlackApp } from './create-app.js';
import { EventClaims } from './event-dedupe.js';
import { UserNames } from './reading/user-names.js';
import { Permalinks } from './replies/permalinks.js';
import { PlaceholderEditor } from './replies/placeholder-editor.js';
import { Placeholders } from './replies/placeholders.js';
import { slackDelivery } from './replies/slack-delivery.js';
import { SlackStreams } from './replies/slack-streams.js';

/** Starts the Slack adapter: the Bolt app and its replies (streamed edits and the answers). Resolves with its stop. */
export async function startSlack(config: BotConfig, slack: { token: string; transport: SlackTransport }, shared: AdapterContext): Promise<() => Promise<void>> {
  const { log } = shared;
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
  // Appends are not idempotent and a late one is worth less than a skipped one: no retries, a short timeout.
  const streams = new SlackStreams({
    client: slackClient(0, true, 5000),
    redis,
    prefix: config.PARLEY_QUEUE_PREFIX,
    placeholders,
    log,
    metrics: shared.metrics,
    appendsPerMinute: config.SLACK_APPENDS_PER_MINUTE,
    // chat.startStream: a start that does not fit waits; the status keeps showing meanwhile.
    startsPerMinute: 20,
    statusesPerMinute: config.SLACK_STATUS_PER_MINUTE,
  });
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
    feedback: shared.feedback,
    metrics: shared.metrics,
    pipeline: shared.pipeline,
    log,
    maxMessages: config.SUMMARIZE_MAX_MESSAGES,
    maxNewTokens: config.MAX_NEW_TOKENS,
    answerBots: config.SLACK_ANSWER_BOTS,
    placeholders,
    streams,
    assistantContexts: new AssistantContexts(claimsRedis, config.PARLEY_QUEUE_PREFIX),
  });
  const replies = startReplyConsumer('slack', slackDelivery({ client: postOnce, editor, placeholders, streams, permalinks: new Permalinks(client), log }), { ...shared.replyDeps, redis });

  const listening = await receiver.start();
  log.info({ ...listening, team: auth.team_id, botUserId: bot.userId }, 'slack adapter listening');

  return async () => {
    await receiver.stop();
    await replies.close();
    editor.close();
    streams.close();
    redis.disconnect();
    claimsRedis.disconnect();
  };
}
