import { parseLanguage, PromptError } from '@parley/prompts';
import { parseOverrides, SettingsError, type Settings } from '@parley/settings';
import type { ChatInputCommandInteraction } from 'discord.js';
import { UserFacingError } from '../core/user-facing-error.js';
import type { DiscordTask } from './queue-task.js';

/** What a slash command asks for, from its typed options, before anything is read from Discord. */
export interface CommandRequest {
  task: DiscordTask;
  overrides: Settings;
  /** Typed text to work on instead of the channel. */
  text?: string;
  last?: number;
  sinceMs?: number;
}

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/** `30m`, `2h`, `1d`, `1w` (up to 90 days) as milliseconds. */
export function parseSince(text: string): number {
  const match = /^\s*(\d{1,4})\s*([mhdw])\s*$/i.exec(text);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]! : NaN;
  if (!(ms > 0) || ms > 90 * 86_400_000) throw new UserFacingError('USAGE', 'For `since`, use minutes, hours or days, e.g. `30m`, `2h` or `1d` (up to 90 days).');
  return ms;
}

function settingsFrom(text: string | null): Settings {
  if (!text) return {};
  try {
    const { overrides, rest } = parseOverrides(text);
    if (rest.trim()) throw new UserFacingError('BAD_SETTING', `I don't understand \`${rest.trim().replace(/`/g, "'").slice(0, 40)}\` in settings; use key=value pairs, e.g. \`temperature=0.3\`.`);
    return overrides;
  } catch (err) {
    if (err instanceof SettingsError) throw new UserFacingError('BAD_SETTING', err.userMessage, { cause: err });
    throw err;
  }
}

/** Checks the language now, so an unknown one is answered with suggestions instead of a queued job. */
export function checkLanguage(language: string): string {
  try {
    parseLanguage(language);
    return language;
  } catch (err) {
    if (err instanceof PromptError) throw new UserFacingError(err.code, err.userMessage, { cause: err });
    throw err;
  }
}

/** Reads `/summarize`, `/translate`, `/entities` and `/ask`; problems throw a UserFacingError. */
export function parseCommandOptions(interaction: ChatInputCommandInteraction, now: number): CommandRequest {
  const o = interaction.options;
  const overrides = settingsFrom(o.getString('settings'));
  const text = o.getString('text')?.trim() || undefined;
  switch (interaction.commandName) {
    case 'summarize': {
      const last = o.getInteger('last') ?? undefined;
      const since = o.getString('since');
      return { task: { task: 'summarize' }, overrides, ...(last !== undefined && { last }), ...(since && { sinceMs: now - parseSince(since) }) };
    }
    case 'translate':
      return { task: { task: 'translate', language: checkLanguage(o.getString('language', true)) }, overrides, ...(text && { text }) };
    case 'entities':
      return { task: { task: 'entities' }, overrides, ...(text && { text }) };
    case 'ask':
      return { task: { task: 'ask', question: o.getString('question', true) }, overrides };
    default:
      throw new UserFacingError('UNKNOWN_COMMAND', "I don't know that command. Ask the bot's owner to run `npm run discord:register` again.");
  }
}
