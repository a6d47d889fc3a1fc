import { createLogger, exitOnStartupFailure, parseEnv } from '@parley/service-kit';
import { Routes } from 'discord.js';
import { z } from 'zod';
import { commandDefinitions } from './commands.js';
import { createRest } from './discord-client.js';

const schema = z.object({
  DISCORD_TOKEN: z.string().min(20).describe("copy the bot token from your Discord application's Bot page"),
  DISCORD_APPLICATION_ID: z.string().regex(/^\d{17,20}$/, 'a numeric id').describe("copy the Application ID from your Discord application's General Information page"),
  /** Registers into one guild (instant, for development); without it, globally. */
  DISCORD_GUILD_ID: z.string().regex(/^\d{17,20}$/, 'a numeric id').optional().describe('the server id (Developer Mode → right-click the server → Copy Server ID)'),
  DISCORD_API_URL: z.string().url().optional(),
  SUMMARIZE_MAX_MESSAGES: z.coerce.number().int().min(1).max(5000).default(1000),
});

/** `npm run discord:register`: puts Parley's commands into one guild (DISCORD_GUILD_ID) or globally, replacing what was there. */
async function main(): Promise<void> {
  const env = parseEnv(schema, process.env);
  const log = createLogger('parley-discord-register');
  const rest = createRest(env.DISCORD_TOKEN, { apiUrl: env.DISCORD_API_URL, timeoutMs: 15_000 });
  const route = env.DISCORD_GUILD_ID ? Routes.applicationGuildCommands(env.DISCORD_APPLICATION_ID, env.DISCORD_GUILD_ID) : Routes.applicationCommands(env.DISCORD_APPLICATION_ID);
  const body = commandDefinitions(env.SUMMARIZE_MAX_MESSAGES);
  const saved = (await rest.put(route, { body })) as { name: string }[];
  log.info({ scope: env.DISCORD_GUILD_ID ? `guild ${env.DISCORD_GUILD_ID}` : 'global', commands: saved.map((c) => c.name) }, 'discord commands registered');
}

main().catch((err: unknown) => exitOnStartupFailure('parley-discord-register', err));
