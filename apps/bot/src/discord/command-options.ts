import type { TaskRequest } from '@parley/jobs';
import { parseOverrides, type Settings } from '@parley/settings';
import type { ChatInputCommandInteraction } from 'discord.js';
import { BotError } from '../core/bot-error.js';
import { sinceWindow } from '../core/channel-window.js';

/** What a slash command asks for, from its typed options, before anything is read from Discord. */
export interface CommandRequest {
  task: TaskRequest;
  overrides: Settings;
  /** Typed text to work on instead of the channel. */
  text?: string;
  last?: number;
  sinceMs?: number;
}

/** `30m`, `2h`, `1d`, `1w` (up to 90 days) as milliseconds. */
export function parseSince(text: string): number {
  return sinceWindow(text.trim()).seconds * 1000;
}

function settingsFrom(text: string | null): Settings {
  if (!text) return {};
  const { overrides, rest } = parseOverrides(text);
  if (rest.trim()) throw new BotError('BAD_SETTING', `I don't understand \`${rest.trim().replace(/`/g, "'").slice(0, 40)}\` in settings; use key=value pairs, e.g. \`temperature=0.3\`.`);
  return overrides;
}

/** Reads `/summarize`, `/translate`, `/entities` and `/ask`; problems throw a coded error. */
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
      return { task: { task: 'translate', language: o.getString('language', true) }, overrides, ...(text && { text }) };
    case 'entities':
      return { task: { task: 'entities' }, overrides, ...(text && { text }) };
    case 'ask':
      return { task: { task: 'ask', question: o.getString('question', true) }, overrides };
    default:
      throw new BotError('UNKNOWN_COMMAND', "I don't know that command. Ask the bot's owner to run `npm run discord:register` again.");
  }
}
