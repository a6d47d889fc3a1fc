import { parseLanguage, PromptError } from '@parley/prompts';
import { parseOverrides, SettingsError, type Settings } from '@parley/settings';
import { parseMentionRequest } from '../core/mention-intent.js';
import { UserFacingError } from '../core/user-facing-error.js';

export type PlaygroundTask = { task: 'summarize' } | { task: 'entities' } | { task: 'translate'; language?: string } | { task: 'ask'; question: string };

/** What a request reads: the thread it was typed in (or the channel's recent messages), or typed text. */
export type PlaygroundSource = { kind: 'context'; last?: number; sinceMs?: number } | { kind: 'text'; text: string } | { kind: 'latest' };

export type PlaygroundInput =
  | { kind: 'message' }
  | { kind: 'help' }
  | { kind: 'task'; task: PlaygroundTask; source: PlaygroundSource; overrides: Settings }
  | { kind: 'genconfig'; verb: 'show' | 'reset' | 'set' | 'preset'; args: string };

export const PLAYGROUND_USAGE =
  'Commands: `/summarize [last N | since 2h]`, `/translate <language> [text]`, `/entities [text]`, `/ask <question>`, ' +
  '`/genconfig [show | set temperature=0.7 sample | preset creative | reset]`; settings go first, e.g. `/summarize temperature=0.3 sample last 20`. ' +
  'Or mention me: `@Parley summarize`, `@Parley translate to French`, `@Parley who owns the rollback?`';

const UNIT_MS: Readonly<Record<string, number>> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

function usage(why: string): UserFacingError {
  return new UserFacingError('USAGE', `${why} ${PLAYGROUND_USAGE}`);
}

/** `last 20` or `since 2h` at the start of `words`: the window, and how many words it took. */
function takeWindow(words: string[], maxMessages: number): { source: PlaygroundSource; used: number } | null {
  const [first, second] = words;
  if (first?.toLowerCase() === 'last' && second && /^\d{1,5}$/.test(second)) {
    const last = Number(second);
    if (last < 1 || last > maxMessages) throw new UserFacingError('USAGE', `\`last\` takes 1 to ${maxMessages} messages.`);
    return { source: { kind: 'context', last }, used: 2 };
  }
  if (first?.toLowerCase() === 'since' && second) {
    const match = /^(\d{1,4})([mhdw])$/i.exec(second);
    const ms = match ? Number(match[1]) * UNIT_MS[match[2]!.toLowerCase()]! : NaN;
    if (!(ms > 0) || ms > 90 * 86_400_000) throw new UserFacingError('USAGE', 'For `since`, use minutes, hours or days, e.g. `30m`, `2h` or `1d` (up to 90 days).');
    return { source: { kind: 'context', sinceMs: ms }, used: 2 };
  }
  return null;
}

/** Language names run to three words ("Norwegian Nynorsk"): the longest known one wins. */
function leadingLanguage(words: string[]): { language: string; used: number } {
  for (let n = Math.min(3, words.length); n >= 1; n--) {
    try {
      parseLanguage(words.slice(0, n).join(' '));
      return { language: words.slice(0, n).join(' '), used: n };
    } catch (err) {
      if (!(err instanceof PromptError)) throw err;
      if (n === 1) throw new UserFacingError(err.code, err.userMessage, { cause: err });
    }
  }
  throw new Error('unreachable: the loop ends with one word');
}

function overridesOf(text: string): { overrides: Settings; rest: string } {
  try {
    return parseOverrides(text);
  } catch (err) {
    if (err instanceof SettingsError) throw new UserFacingError('BAD_SETTING', err.userMessage, { cause: err });
    throw err;
  }
}

const MENTION = /(^|\s)@parley\b[,:]?/gi;

/**
 * Reads what was typed into the message box: a slash command (the same ones as in Slack and
 * Discord), an @Parley mention, or an ordinary message. Problems throw a UserFacingError.
 */
export function parseInput(text: string, opts: { maxMessages: number }): PlaygroundInput {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) {
    if (!MENTION.test(trimmed)) return { kind: 'message' };
    MENTION.lastIndex = 0;
    const { intent } = parseMentionRequest(trimmed.replace(MENTION, '$1<@parley>'), 'parley');
    if (intent.task === 'help') return { kind: 'help' };
    return { kind: 'task', task: intent, source: { kind: 'context' }, overrides: {} };
  }
  const [, name = '', body = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(trimmed) ?? [];
  if (name === 'genconfig') {
    const [verb = 'show', ...rest] = body.split(/\s+/).filter(Boolean);
    if (!['show', 'reset', 'set', 'preset'].includes(verb)) throw usage(`I don't know \`/genconfig ${verb.replace(/`/g, "'").slice(0, 20)}\`.`);
    return { kind: 'genconfig', verb: verb as 'show' | 'reset' | 'set' | 'preset', args: rest.join(' ') };
  }
  if (name === 'help') return { kind: 'help' };
  const { overrides, rest } = overridesOf(body);
  const words = rest.split(/\s+/).filter(Boolean);
  switch (name) {
    case 'summarize': {
      if (!words.length) return { kind: 'task', task: { task: 'summarize' }, source: { kind: 'context' }, overrides };
      const taken = takeWindow(words, opts.maxMessages);
      if (!taken || taken.used < words.length) throw usage(`I don't understand \`${words.slice(taken?.used ?? 0).join(' ').replace(/`/g, "'").slice(0, 40)}\`.`);
      return { kind: 'task', task: { task: 'summarize' }, source: taken.source, overrides };
    }
    case 'translate': {
      if (!words.length) throw usage('Which language, and what should I translate?');
      const { language, used } = leadingLanguage(words);
      const typed = words.slice(used).join(' ');
      return { kind: 'task', task: { task: 'translate', language }, source: typed ? { kind: 'text', text: typed } : { kind: 'latest' }, overrides };
    }
    case 'entities':
      return { kind: 'task', task: { task: 'entities' }, source: rest.trim() ? { kind: 'text', text: rest.trim() } : { kind: 'latest' }, overrides };
    case 'ask': {
      const taken = takeWindow(words, opts.maxMessages);
      const question = words.slice(taken?.used ?? 0).join(' ');
      if (!question) throw usage('What is your question?');
      return { kind: 'task', task: { task: 'ask', question }, source: taken?.source ?? { kind: 'context' }, overrides };
    }
    default:
      throw usage(`I don't know \`/${name.replace(/`/g, "'").slice(0, 20)}\`.`);
  }
}
