import { describe, expect, it } from 'vitest';
import { BotError } from '../src/core/bot-error.js';
import { defaultWindow, describeWindow, takeWindow } from '../src/core/channel-window.js';

const words = (s: string) => s.split(' ').filter(Boolean);
const messageOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof BotError) return err.userMessage;
    throw err;
  }
  throw new Error('did not throw');
};

describe('channel windows', () => {
  it.each([
    ['last 50', { kind: 'last', count: 50 }, 2],
    ['last 1', { kind: 'last', count: 1 }, 2],
    ['LAST 200 who?', { kind: 'last', count: 200 }, 2],
    ['since 2h', { kind: 'since', seconds: 7200, label: '2h' }, 2],
    ['since 30m', { kind: 'since', seconds: 1800, label: '30m' }, 2],
    ['since 1d', { kind: 'since', seconds: 86_400, label: '1d' }, 2],
    ['since 2 hours what happened', { kind: 'since', seconds: 7200, label: '2 hours' }, 3],
    ['since 90 minutes', { kind: 'since', seconds: 5400, label: '90 minutes' }, 3],
    ['since 1w', { kind: 'since', seconds: 604_800, label: '1w' }, 2],
  ])('%s', (text, window, used) => {
    expect(takeWindow(words(text), 1000)).toEqual({ window, used });
  });

  it('words that are not a window give null, so they can be a question', () => {
    expect(takeWindow(words('last time who deployed?').slice(2), 1000)).toBeNull();
    expect(takeWindow(words('who deployed last?'), 1000)).toBeNull();
    expect(takeWindow([], 1000)).toBeNull();
  });

  it.each([
    ['last 0', '`last` takes a number of messages from 1 to 1000, e.g. `last 50` (got `0`).'],
    ['last', '`last` takes a number of messages from 1 to 1000, e.g. `last 50` (got nothing).'],
    ['last many', '`last` takes a number of messages from 1 to 1000, e.g. `last 50` (got `many`).'],
    ['last 1001', '`last` takes a number of messages from 1 to 1000, e.g. `last 50` (got `1001`).'],
    ['last -5', '`last` takes a number of messages from 1 to 1000, e.g. `last 50` (got `-5`).'],
    ['since 3 fortnights', "I don't understand `since 3 fortnights`: use minutes, hours or days, e.g. `since 30m`, `since 2h` or `since 1d`."],
    ['since yesterday', "I don't understand `since yesterday`: use minutes, hours or days, e.g. `since 30m`, `since 2h` or `since 1d`."],
    ['since', "I don't understand `since `: use minutes, hours or days, e.g. `since 30m`, `since 2h` or `since 1d`."],
    ['since 0m', '`since` covers 1 minute to 90 days (got `since 0m`); use minutes, hours or days, e.g. `since 30m`, `since 2h` or `since 1d`.'],
    ['since 91d', '`since` covers 1 minute to 90 days (got `since 91d`); use minutes, hours or days, e.g. `since 30m`, `since 2h` or `since 1d`.'],
  ])('%s is refused with what is accepted', (text, message) => {
    expect(messageOf(() => takeWindow(words(text), 1000))).toBe(message);
  });

  it('the bound is the configured maximum, and typed backticks cannot break the message', () => {
    expect(messageOf(() => takeWindow(['last', '11'], 10))).toContain('from 1 to 10, e.g. `last 10`');
    expect(messageOf(() => takeWindow(['since', '`x`'], 10))).toContain("`since 'x'`");
  });

  it('the default is the last 50, or fewer when the bot reads fewer', () => {
    expect(defaultWindow(1000)).toEqual({ kind: 'last', count: 50 });
    expect(defaultWindow(20)).toEqual({ kind: 'last', count: 20 });
    expect(describeWindow({ kind: 'last', count: 50 })).toBe('the last 50 messages');
    expect(describeWindow({ kind: 'since', seconds: 7200, label: '2h' })).toBe('the last 2h');
  });
});

describe('loose windows, ahead of a question', () => {
  it('need a number after last or since; otherwise the words are the question', () => {
    expect(takeWindow(words('last time, who deployed?'), 1000, { loose: true })).toBeNull();
    expect(takeWindow(words('since when do we deploy on Fridays?'), 1000, { loose: true })).toBeNull();
    expect(takeWindow(words('since 3 people asked, who owns it?'), 1000, { loose: true })).toBeNull();
    expect(takeWindow(words('last 20 who deployed?'), 1000, { loose: true })).toEqual({ window: { kind: 'last', count: 20 }, used: 2 });
    expect(takeWindow(words('since 2 hours who deployed?'), 1000, { loose: true })).toEqual({ window: { kind: 'since', seconds: 7200, label: '2 hours' }, used: 3 });
    expect(messageOf(() => takeWindow(words('last 0 who?'), 1000, { loose: true }))).toContain('from 1 to 1000');
  });
});
