import type { TaskRequest } from '@parley/jobs';
import type { Settings } from '@parley/settings';
import { BotError } from '../core/bot-error.js';
import { followUpTask } from '../core/follow-up.js';
import { isPrivateWord, readCommandPrefix } from '../core/command-prefix.js';
import { takeWindow, type ChannelWindow } from '../core/channel-window.js';
import { leadingLanguage } from '../core/leading-language.js';
import { parseMentionRequest } from '../core/mention-intent.js';
import { isSettingsVerb, type SettingsVerb } from '../core/settings-command.js';

/**
 * What a request reads: the thread it was typed in (or a window of the channel), the latest message,
 * typed text, or the thread as a chat with Parley's answers as its turns (a follow-up).
 */
export type PlaygroundSource = { kind: 'context'; window?: ChannelWindow } | { kind: 'text'; text: string } | { kind: 'latest' } | { kind: 'chat' };

export type PlaygroundInput =
  | { kind: 'message' }
  | { kind: 'help' }
  | { kind: 'task'; task: TaskRequest; source: PlaygroundSource; overrides: Settings; private: boolean }
  | { kind: 'genconfig'; verb: SettingsVerb; args: string };

export const PLAYGROUND_USAGE =
  'Commands: `/summarize [last N | since 2h]`, `/translate <language> [text]`, `/entities [text]`, `/ask <question>`, ' +
  '`/genconfig [show | set temperature=0.7 sample | preset creative | reset]`; settings go first, e.g. `/summarize temperature=0.3 sample last 20`; add `private` to any command to be the only one who sees the answer. ' +
  'Or mention me: `@Parley summarize`, `@Parley translate to French`, `@Parley who owns the rollback?`';

function usage(why: string): BotError {
  return new BotError('USAGE', `${why} ${PLAYGROUND_USAGE}`);
}

const MENTION = /(^|\s)@parley\b[,:]?/gi;

/** The line without its @Parley mentions. */
export function withoutMention(text: string): string {
  return text.replace(MENTION, '$1').replace(/\s+/g, ' ').trim();
}

/**
 * Reads what was typed into the message box: a slash command (the same ones as in Slack and
 * Discord), an @Parley mention, or an ordinary message. `parleyAnsweredHere` says the line was
 * typed into a thread Parley has answered in: there a question, mentioned or plain, is a follow-up.
 * Problems throw a coded error.
 */
export function parseInput(text: string, opts: { maxMessages: number; parleyAnsweredHere?: boolean }): PlaygroundInput {
  const trimmed = text.trim();
  if (!trimmed.startsWith('/')) {
    const mentioned = MENTION.test(trimmed);
    MENTION.lastIndex = 0;
    const answered = opts.parleyAnsweredHere === true;
    if (!mentioned && !answered) return { kind: 'message' };
    const { intent, private: privately } = parseMentionRequest(trimmed.replace(MENTION, '$1<@parley>'), 'parley');
    const followUp = followUpTask(intent, answered);
    if (followUp) return { kind: 'task', task: followUp, source: { kind: 'chat' }, overrides: {}, private: privately };
    // Unmentioned, only a question is for Parley: a plain "summarize" in its thread is just a message.
    if (!mentioned) return { kind: 'message' };
    if (intent.task === 'help') return { kind: 'help' };
    return { kind: 'task', task: intent, source: { kind: 'context' }, overrides: {}, private: privately };
  }
  const [, name = '', rawBody = ''] = /^\/(\S+)\s*([\s\S]*)$/.exec(trimmed) ?? [];
  if (name === 'genconfig') {
    const [verb = 'show', ...rest] = rawBody.split(/\s+/).filter(Boolean);
    if (!isSettingsVerb(verb)) throw usage(`I don't know \`/genconfig ${verb.replace(/`/g, "'").slice(0, 20)}\`.`);
    return { kind: 'genconfig', verb, args: rest.join(' ') };
  }
  if (name === 'help') return { kind: 'help' };
  const prefix = readCommandPrefix(rawBody);
  const { overrides } = prefix;
  // Summaries and questions read no typed text, so `private` may stand anywhere among their words;
  // for translate and entities only before the text (readCommandPrefix), where it cannot be part of it.
  const anywhere = name === 'summarize' || name === 'ask';
  const all = prefix.rest.split(/\s+/).filter(Boolean);
  const words = anywhere ? all.filter((w) => !isPrivateWord(w)) : all;
  const privately = prefix.private || (anywhere && words.length < all.length);
  const task = (task: TaskRequest, source: PlaygroundSource): PlaygroundInput => ({ kind: 'task', task, source, overrides, private: privately });
  switch (name) {
    case 'summarize': {
      if (!words.length) return task({ task: 'summarize' }, { kind: 'context' });
      const taken = takeWindow(words, opts.maxMessages);
      if (!taken || taken.used < words.length) throw usage(`I don't understand \`${words.slice(taken?.used ?? 0).join(' ').replace(/`/g, "'").slice(0, 40)}\`.`);
      return task({ task: 'summarize' }, { kind: 'context', window: taken.window });
    }
    case 'translate': {
      if (!words.length) throw usage('Which language, and what should I translate?');
      const { language, used } = leadingLanguage(words);
      const typed = words.slice(used).join(' ');
      return task({ task: 'translate', language }, typed ? { kind: 'text', text: typed } : { kind: 'latest' });
    }
    case 'entities':
      return task({ task: 'entities' }, prefix.rest.trim() ? { kind: 'text', text: prefix.rest.trim() } : { kind: 'latest' });
    case 'ask': {
      const taken = takeWindow(words, opts.maxMessages, { loose: true });
      const question = words.slice(taken?.used ?? 0).join(' ');
      if (!question) throw usage('What is your question?');
      return task({ task: 'ask', question }, taken ? { kind: 'context', window: taken.window } : { kind: 'context' });
    }
    default:
      throw usage(`I don't know \`/${name.replace(/`/g, "'").slice(0, 20)}\`.`);
  }
}
