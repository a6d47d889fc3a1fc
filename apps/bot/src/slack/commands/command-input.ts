import type { TaskRequest } from '@parley/jobs';
import type { Settings } from '@parley/settings';
import { BotError } from '../../core/bot-error.js';
import { isPrivateWord, readCommandPrefix } from '../../core/command-prefix.js';
import { leadingLanguage } from '../../core/leading-language.js';
import { defaultWindow, takeWindow, type ChannelWindow } from '../../core/channel-window.js';
import { parseThreadLink, type ThreadRef } from '../reading/thread-link.js';

/** What a command's text asks to work on, before anything is read from Slack. */
export type CommandSource =
  | { kind: 'thread'; thread: ThreadRef }
  | { kind: 'window'; window: ChannelWindow }
  | { kind: 'text'; text: string }
  /** Nothing given: the channel's most recent message, the nearest thing to "this message" a command can know. */
  | { kind: 'latest' };

export interface CommandRequest {
  task: TaskRequest;
  source: CommandSource;
  overrides: Settings;
  /** Only the requester sees the answer. */
  private: boolean;
}

export type CommandName = '/summarize' | '/translate' | '/entities' | '/ask';

export const USAGE: Readonly<Record<CommandName, string>> = {
  '/summarize':
    '`/summarize` (the last 50 messages of this channel), `/summarize last 100`, `/summarize since 2h` or `/summarize <thread link>`; ' +
    'settings go first, e.g. `/summarize temperature=0.3 last 100`',
  '/translate':
    '`/translate <language>` (the latest message here), `/translate <language> <text>` or `/translate <language> <thread link>`, e.g. `/translate German Good morning!`',
  '/entities': '`/entities` (the latest message here), `/entities <text>` or `/entities <thread link>`',
  '/ask': '`/ask <question>` (about the last 50 messages here), `/ask since 2h <question>` or `/ask <thread link> <question>`',
};

const PRIVATE_HINT = 'Add `private` to see the answer alone.';

/** A word of the typed text and where it starts, so text after a word is kept exactly as typed. */
interface Token {
  word: string;
  at: number;
}

function tokenize(text: string): Token[] {
  return [...text.matchAll(/\S+/g)].map((m) => ({ word: m[0], at: m.index }));
}

function usageError(command: CommandName, lead?: string): BotError {
  const why = lead ?? 'I need more to go on.';
  return new BotError('USAGE', `${why} Usage: ${USAGE[command]}. ${PRIVATE_HINT}`);
}

/**
 * Reads a command's text: settings first (`temperature=0.3 preset=creative`), the word `private`
 * (or `--private`) anywhere it cannot belong to the user's own text, then what to work on: a
 * thread link, a channel window (`last 50`, `since 2h`) or text typed into the command.
 * Every problem throws a coded error that says what is accepted.
 */
export function parseCommand(command: CommandName, text: string, opts: { maxMessages: number }): CommandRequest {
  const prefix = readCommandPrefix(text);
  const parsed = PARSERS[command](prefix.rest, opts.maxMessages);
  return { ...parsed, overrides: prefix.overrides, private: prefix.private || parsed.private };
}

type Parsed = { task: TaskRequest; source: CommandSource; private: boolean };

/** The thread link among the tokens, with the tokens before and after it (without `private`). */
function findLink(tokens: Token[]): { thread: ThreadRef; before: Token[]; after: Token[]; private: boolean } | null {
  const at = tokens.findIndex((t) => parseThreadLink(t.word) !== null);
  if (at === -1) return null;
  const keep = (ts: Token[]) => ts.filter((t) => !isPrivateWord(t.word));
  return {
    thread: parseThreadLink(tokens[at]!.word)!,
    before: keep(tokens.slice(0, at)),
    after: keep(tokens.slice(at + 1)),
    private: tokens.some((t) => isPrivateWord(t.word)),
  };
}

const words = (ts: Token[]) => ts.map((t) => t.word).join(' ');

const PARSERS: Record<CommandName, (rest: string, maxMessages: number) => Parsed> = {
  '/summarize'(rest, maxMessages) {
    // Nothing here is the user's own text, so `private` may stand anywhere.
    const all = tokenize(rest);
    const flagged = all.some((t) => isPrivateWord(t.word));
    const tokens = all.filter((t) => !isPrivateWord(t.word));
    const task: TaskRequest = { task: 'summarize' };
    const link = findLink(tokens);
    if (link) {
      if (link.before.length || link.after.length) throw usageError('/summarize', `I don't understand \`${clip(words([...link.before, ...link.after]))}\` next to the link.`);
      return { task, source: { kind: 'thread', thread: link.thread }, private: flagged };
    }
    if (tokens.length === 0) return { task, source: { kind: 'window', window: defaultWindow(maxMessages) }, private: flagged };
    const taken = takeWindow(tokens.map((t) => t.word), maxMessages);
    if (!taken || taken.used < tokens.length) throw usageError('/summarize', `I don't understand \`${clip(words(tokens.slice(taken?.used ?? 0)))}\`.`);
    return { task, source: { kind: 'window', window: taken.window }, private: flagged };
  },

  '/translate'(rest) {
    const tokens = tokenize(rest);
    const link = findLink(tokens);
    if (link) {
      if (!link.before.length) throw usageError('/translate', 'Which language? Put it before the link.');
      return { task: { task: 'translate', language: words(link.before) }, source: { kind: 'thread', thread: link.thread }, private: link.private };
    }
    if (!tokens.length) throw usageError('/translate', 'Which language, and what should I translate?');
    const { language, used } = leadingLanguage(tokens.map((t) => t.word));
    const body = tokens[used] ? rest.slice(tokens[used].at).trim() : '';
    if (!body) return { task: { task: 'translate', language }, source: { kind: 'latest' }, private: false };
    return { task: { task: 'translate', language }, source: { kind: 'text', text: body }, private: false };
  },

  '/entities'(rest) {
    const tokens = tokenize(rest);
    const link = findLink(tokens);
    if (link) return { task: { task: 'entities' }, source: { kind: 'thread', thread: link.thread }, private: link.private };
    const body = rest.trim();
    if (!body) return { task: { task: 'entities' }, source: { kind: 'latest' }, private: false };
    return { task: { task: 'entities' }, source: { kind: 'text', text: body }, private: false };
  },

  '/ask'(rest, maxMessages) {
    const tokens = tokenize(rest);
    const link = findLink(tokens);
    if (link) {
      const question = words([...link.before, ...link.after]);
      if (!question) throw usageError('/ask', 'What is your question?');
      return { task: { task: 'ask', question }, source: { kind: 'thread', thread: link.thread }, private: link.private };
    }
    const taken = takeWindow(tokens.map((t) => t.word), maxMessages, { loose: true });
    const used = taken?.used ?? 0;
    const question = tokens[used] ? rest.slice(tokens[used].at).trim() : '';
    if (!question) throw usageError('/ask', 'What is your question?');
    return { task: { task: 'ask', question }, source: { kind: 'window', window: taken?.window ?? defaultWindow(maxMessages) }, private: false };
  },
};

/** Typed text echoed in an error: short, and unable to break out of its code span. */
function clip(text: string): string {
  return text.replace(/`/g, "'").slice(0, 40);
}
