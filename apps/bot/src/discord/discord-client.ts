import { Client, GatewayIntentBits, Partials, REST } from 'discord.js';
import { NO_PINGS_OPTION } from './no-pings.js';

/**
 * The fewest intents that work: Guilds (channels, threads, interactions), GuildMessages (the
 * MESSAGE_CREATE of a mention) and, when enabled, the privileged MessageContent, without which
 * Discord sends other people's messages empty when Parley reads history. Context menus and the
 * text of a message that mentions Parley arrive without it.
 */
export function discordIntents(messageContent: boolean): GatewayIntentBits[] {
  return [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages, ...(messageContent ? [GatewayIntentBits.MessageContent] : [])];
}

/** The gateway client. Its default `allowedMentions` parses nothing; every call passes it again. */
export function createDiscordClient(opts: { apiUrl?: string | undefined; messageContent: boolean }): Client {
  return new Client({
    intents: discordIntents(opts.messageContent),
    partials: [Partials.Channel],
    allowedMentions: NO_PINGS_OPTION,
    rest: { ...(opts.apiUrl && { api: opts.apiUrl }), timeout: 5000 },
  });
}

/** A REST client for one kind of call, outside the gateway client: posts and edits are not retried by it. */
export function createRest(token: string, opts: { apiUrl?: string | undefined; timeoutMs: number }): REST {
  return new REST({
    ...(opts.apiUrl && { api: opts.apiUrl }),
    version: '10',
    retries: 0,
    timeout: opts.timeoutMs,
    rejectOnRateLimit: () => true,
  }).setToken(token);
}
