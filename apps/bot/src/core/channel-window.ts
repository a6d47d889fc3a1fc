import { BotError } from './bot-error.js';

/** Which part of a channel a request covers: its last N messages, or those of a recent span. */
export type ChannelWindow = { kind: 'last'; count: number } | { kind: 'since'; seconds: number; label: string };

export const DEFAULT_WINDOW_COUNT = 50;
const MAX_SINCE_DAYS = 90;

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  m: 60,
  min: 60,
  mins: 60,
  minute: 60,
  minutes: 60,
  h: 3600,
  hr: 3600,
  hrs: 3600,
  hour: 3600,
  hours: 3600,
  d: 86_400,
  day: 86_400,
  days: 86_400,
  w: 604_800,
  week: 604_800,
  weeks: 604_800,
};

const SINCE_HINT = 'use minutes, hours or days, e.g. `since 30m`, `since 2h` or `since 1d`';

/** `last 50` when nothing is given, fewer when the bot reads fewer messages at most. */
export function defaultWindow(maxMessages: number): ChannelWindow {
  return { kind: 'last', count: Math.min(DEFAULT_WINDOW_COUNT, maxMessages) };
}

/**
 * Reads a window from the start of `words` (`last 50`, `since 2h`, `since 30 minutes`) and
 * returns it with the words it used, or null when the words do not start with `last` or `since`.
 * A window that starts right but is wrong (`last 0`, `since 3 fortnights`) throws a
 * BotError saying what is accepted. `loose` is for text that may be a question
 * ("last time, who…?"): a window then needs a number right after `last` or `since`.
 */
export function takeWindow(words: readonly string[], maxMessages: number, opts: { loose?: boolean } = {}): { window: ChannelWindow; used: number } | null {
  const head = words[0]?.toLowerCase();
  if (opts.loose && !/^\d/.test(words[1] ?? '')) return null;
  if (head === 'last') return { window: lastWindow(words[1], maxMessages), used: words[1] === undefined ? 1 : 2 };
  if (head === 'since') {
    // `since 2h` or `since 2 hours`: the unit may be its own word.
    const unit = words[2]?.toLowerCase() ?? '';
    const joined = /^\d+$/.test(words[1] ?? '') && (opts.loose ? UNIT_SECONDS[unit] !== undefined : /^[a-z]+$/.test(unit));
    // Loose: "since 3 people asked…" is a question, not a window without its unit.
    if (opts.loose && !joined && /^\d+$/.test(words[1] ?? '')) return null;
    const spec = joined ? `${words[1]} ${words[2]}` : words[1];
    return { window: sinceWindow(spec), used: 1 + (joined ? 2 : words[1] === undefined ? 0 : 1) };
  }
  return null;
}

function lastWindow(raw: string | undefined, maxMessages: number): ChannelWindow {
  const count = raw !== undefined && /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(count >= 1 && count <= maxMessages)) {
    const got = raw === undefined ? 'nothing' : `\`${clip(raw)}\``;
    throw new BotError('BAD_WINDOW', `\`last\` takes a number of messages from 1 to ${maxMessages}, e.g. \`last ${Math.min(DEFAULT_WINDOW_COUNT, maxMessages)}\` (got ${got}).`);
  }
  return { kind: 'last', count };
}

/** `30m`, `2h`, `2 hours`, `1d`: a window from 1 minute to 90 days back; anything else throws a BotError saying what is accepted. */
export function sinceWindow(raw: string | undefined): Extract<ChannelWindow, { kind: 'since' }> {
  const match = raw === undefined ? null : /^(\d{1,6})\s*([a-z]+)$/i.exec(raw);
  const unit = match ? UNIT_SECONDS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) {
    throw new BotError('BAD_WINDOW', `I don't understand \`since ${clip(raw ?? '')}\`: ${SINCE_HINT}.`);
  }
  const seconds = Number(match[1]) * unit;
  if (seconds < 60 || seconds > MAX_SINCE_DAYS * 86_400) {
    throw new BotError('BAD_WINDOW', `\`since\` covers 1 minute to ${MAX_SINCE_DAYS} days (got \`since ${clip(raw!)}\`); ${SINCE_HINT}.`);
  }
  return { kind: 'since', seconds, label: raw! };
}

/** The window as the user would say it. */
export function describeWindow(window: ChannelWindow): string {
  return window.kind === 'last' ? `the last ${window.count} messages` : `the last ${window.label}`;
}

/** Typed text echoed in an error: short, and unable to break out of its code span. */
function clip(text: string): string {
  return text.replace(/`/g, "'").slice(0, 30);
}
