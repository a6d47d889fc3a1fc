import { DEFAULT_QUEUE_PREFIX } from '@parley/jobs';
import { parseEnv } from '@parley/service-kit';
import { SETTING_RANGES } from '@parley/settings';
import { z } from 'zod';

/** A `true`/`false` variable, read as a boolean. */
const flag = (fallback: 'true' | 'false') =>
  z
    .enum(['true', 'false'])
    .default(fallback)
    .describe('set true or false')
    .transform((v) => v === 'true');

export const schema = z
  .object({
    /** How Slack reaches the bot: `http` (Slack POSTs to /slack/events) or `socket` (the bot dials out over Socket Mode). */
    SLACK_MODE: z.enum(['http', 'socket']).default('http').describe('use http (Slack POSTs to this bot) or socket (Socket Mode, no public URL)'),
    SLACK_SIGNING_SECRET: z.string().min(1).optional().describe("copy the Signing Secret from your Slack app's Basic Information page"),
    SLACK_APP_TOKEN: z
      .string()
      .startsWith('xapp-')
      .optional()
      .describe("SLACK_MODE=socket needs an app-level token (xapp-…) with the connections:write scope: your Slack app's Basic Information page → App-Level Tokens"),
    SLACK_BOT_TOKEN: z
      .string()
      .startsWith('xoxb-')
      .optional()
      .describe("copy the Bot User OAuth Token (xoxb-…) from your Slack app's OAuth & Permissions page, or set DISCORD_TOKEN to run on Discord"),
    /** Overrides Slack's Web API base URL (a proxy, or a local fake in tests). */
    SLACK_API_URL: z.string().url().optional(),
    /** Runs the Discord adapter when set. */
    DISCORD_TOKEN: z.string().min(20).optional().describe("copy the bot token from your Discord application's Bot page"),
    DISCORD_APPLICATION_ID: z
      .string()
      .regex(/^\d{17,20}$/, 'a numeric id')
      .optional()
      .describe("copy the Application ID from your Discord application's General Information page"),
    /** Overrides Discord's API base (without /v10), e.g. a local fake in tests. The gateway URL comes from its /gateway/bot. */
    DISCORD_API_URL: z.string().url().optional(),
    /** Ask for the privileged Message Content intent: needed to read channel and thread history (summaries, mentions in threads). */
    DISCORD_MESSAGE_CONTENT: flag('true'),
    /** Shortest time between two streamed edits of one Discord reply. */
    DISCORD_EDIT_INTERVAL_MS: z.coerce.number().int().min(10).max(60_000).default(1000),
    /** How long an interaction token may be used; after it, answers go to the channel. Discord's is 15 minutes. */
    DISCORD_TOKEN_LIFETIME_MS: z.coerce.number().int().min(1000).max(15 * 60_000).default(15 * 60_000),
    /** Where Slack's requests arrive (`/slack/events`); unused in Socket Mode. */
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    /** Address the Slack request listener binds to. */
    HOST: z.string().default('0.0.0.0'),
    /** The Redis every bot and worker shares. */
    REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
    /** Key prefix of the queues (separates deployments on one Redis; `{parley}` on Redis Cluster). */
    PARLEY_QUEUE_PREFIX: z.string().min(1).default(DEFAULT_QUEUE_PREFIX),
    /** Most messages of one thread or channel window sent to the model; also the largest `last N`. */
    SUMMARIZE_MAX_MESSAGES: z.coerce.number().int().min(1).max(5000).default(1000),
    /** Answer @mentions from other bots too. Parley's own messages are never answered. */
    SLACK_ANSWER_BOTS: flag('false'),
    /** Length limit of a reply, in tokens. */
    MAX_NEW_TOKENS: z.coerce.number().int().min(SETTING_RANGES.maxNewTokens.min).max(SETTING_RANGES.maxNewTokens.max).default(128),
    /** Comma-separated Slack user ids that may change settings besides workspace admins. */
    PARLEY_ADMIN_USER_IDS: z.string().default(''),
    /** Requests per user per minute; more get "try again in N s". */
    RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().min(1).default(10),
    /** Requests per channel per minute; more get "try again in N s". */
    RATE_LIMIT_CHANNEL_PER_MINUTE: z.coerce.number().int().min(1).default(30),
    /** Requests waiting for a worker beyond which new ones are refused as "busy". */
    MAX_QUEUED_REQUESTS: z.coerce.number().int().min(1).default(500),
    /** How long a channel's requests count against its queue priority. */
    FAIR_SHARE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(600),
    /** Edits of placeholders (queue position, streamed text) per workspace; chat.update is Tier 3, about 50 a minute. */
    SLACK_UPDATES_PER_MINUTE: z.coerce.number().int().min(1).max(60_000).default(50),
    /** Appends to streamed answers per workspace; chat.appendStream is Tier 4, 100 and more a minute. */
    SLACK_APPENDS_PER_MINUTE: z.coerce.number().int().min(1).max(60_000).default(100),
    /** Status lines (assistant.threads.setStatus) per workspace while requests wait; a status that does not fit is skipped. */
    SLACK_STATUS_PER_MINUTE: z.coerce.number().int().min(1).max(60_000).default(50),
    /** How long SIGTERM may take to finish in-flight work before the process exits anyway. */
    SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(1000).default(10_000),
    /** Port of the bot's /healthz, /metrics and queue board; 0 picks a free one (logged at startup). */
    BOT_OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9465),
    /** Address the ops server binds to. */
    BOT_OPS_HOST: z.string().min(1).default('0.0.0.0'),
    /** With BULL_BOARD_PASSWORD, serves Bull Board at /queues on the ops port behind HTTP basic auth; unset, there is no board. */
    BULL_BOARD_USER: z.string().min(1).optional(),
    BULL_BOARD_PASSWORD: z.string().min(12).optional().describe('set a password of at least 12 characters, together with BULL_BOARD_USER'),
    /** Port of the web playground, served when neither SLACK_BOT_TOKEN nor DISCORD_TOKEN is set; 0 picks a free one (logged at startup). */
    PLAYGROUND_PORT: z.coerce.number().int().min(0).max(65_535).default(3000),
    /** Address the playground binds to. It has no login: keep it on loopback unless a proxy in front adds one. */
    PLAYGROUND_HOST: z.string().min(1).default('127.0.0.1'),
    /** Set by `npm start` when the worker runs the tiny random-weight test model, so the page says so. */
    PLAYGROUND_RANDOM_TEST_MODEL: flag('false'),
  })
  .superRefine((env, ctx) => {
    // Neither token: the web playground runs instead (see loadConfig).
    if (env.DISCORD_TOKEN && !env.DISCORD_APPLICATION_ID) ctx.addIssue({ code: 'custom', path: ['DISCORD_APPLICATION_ID'], message: 'required' });
    if (!env.SLACK_BOT_TOKEN) return;
    // Each transport has its own credential; the other one's is not needed.
    if (env.SLACK_MODE === 'http' && !env.SLACK_SIGNING_SECRET) ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'required' });
    if (env.SLACK_MODE === 'socket' && !env.SLACK_APP_TOKEN) ctx.addIssue({ code: 'custom', path: ['SLACK_APP_TOKEN'], message: 'required' });
  })
  .superRefine((env, ctx) => {
    // Half a pair of credentials is a mistake, not a wish to run without the board.
    if (env.BULL_BOARD_USER && !env.BULL_BOARD_PASSWORD) ctx.addIssue({ code: 'custom', path: ['BULL_BOARD_PASSWORD'], message: 'required' });
    if (env.BULL_BOARD_PASSWORD && !env.BULL_BOARD_USER) ctx.addIssue({ code: 'custom', path: ['BULL_BOARD_USER'], message: 'required' });
  });

/** How Slack's requests reach this bot, with the one credential that transport needs. */
export type SlackTransport = { mode: 'http'; signingSecret: string; port: number; host: string } | { mode: 'socket'; appToken: string };

export type BotConfig = z.infer<typeof schema> & {
  /** Present when Slack is configured. */
  slack: { token: string; transport: SlackTransport } | undefined;
  /** Present when Discord is configured. */
  discord: { token: string; applicationId: string } | undefined;
  /** Present when neither chat platform is configured: the web playground takes their place. */
  playground: { port: number; host: string; randomTestModel: boolean } | undefined;
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): BotConfig {
  const parsed = parseEnv(schema, env);
  const transport: SlackTransport =
    parsed.SLACK_MODE === 'socket'
      ? { mode: 'socket', appToken: parsed.SLACK_APP_TOKEN! }
      : { mode: 'http', signingSecret: parsed.SLACK_SIGNING_SECRET!, port: parsed.PORT, host: parsed.HOST };
  return {
    ...parsed,
    slack: parsed.SLACK_BOT_TOKEN ? { token: parsed.SLACK_BOT_TOKEN, transport } : undefined,
    discord: parsed.DISCORD_TOKEN ? { token: parsed.DISCORD_TOKEN, applicationId: parsed.DISCORD_APPLICATION_ID! } : undefined,
    playground:
      parsed.SLACK_BOT_TOKEN || parsed.DISCORD_TOKEN
        ? undefined
        : { port: parsed.PLAYGROUND_PORT, host: parsed.PLAYGROUND_HOST, randomTestModel: parsed.PLAYGROUND_RANDOM_TEST_MODEL },
  };
}
