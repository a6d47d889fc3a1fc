import { describe, expect, it } from 'vitest';
import { ignoredBecause } from '../src/slack/commands/event-filter.js';

const rules = { botUserId: 'U0PARLEY', botId: 'B0PARLEY', answerBots: false };

describe('which message events are someone asking', () => {
  it('a person writing, also in a thread broadcast or with a file, is a request', () => {
    expect(ignoredBecause({ user: 'U0MAYA' }, rules)).toBeNull();
    expect(ignoredBecause({ user: 'U0MAYA', subtype: 'thread_broadcast' }, rules)).toBeNull();
    expect(ignoredBecause({ user: 'U0MAYA', subtype: 'file_share' }, rules)).toBeNull();
  });

  it.each([
    [{ user: 'U0MAYA', subtype: 'message_changed' }, 'subtype message_changed'],
    [{ subtype: 'message_deleted' }, 'subtype message_deleted'],
    [{ user: 'U0MAYA', subtype: 'channel_join' }, 'subtype channel_join'],
    [{ user: 'U0MAYA', edited: { user: 'U0MAYA', ts: '1790000001.000100' } }, 'edited'],
    [{ user: 'U0OTHERBOT', bot_id: 'B0OTHER' }, 'another bot'],
    [{ bot_id: 'B0OTHER', subtype: 'bot_message' }, 'another bot'],
    [{ user: 'U0PARLEY' }, 'own message'],
    [{ bot_id: 'B0PARLEY', subtype: 'bot_message' }, 'own message'],
    [{}, 'no author'],
  ])('%j is ignored: %s', (event, reason) => {
    expect(ignoredBecause(event, rules)).toBe(reason);
  });

  it('SLACK_ANSWER_BOTS lets other bots ask, never Parley itself, and never through an edit', () => {
    const answerBots = { ...rules, answerBots: true };
    expect(ignoredBecause({ user: 'U0OTHERBOT', bot_id: 'B0OTHER' }, answerBots)).toBeNull();
    expect(ignoredBecause({ bot_id: 'B0OTHER', subtype: 'bot_message' }, answerBots)).toBeNull();
    expect(ignoredBecause({ bot_id: 'B0PARLEY', subtype: 'bot_message' }, answerBots)).toBe('own message');
    expect(ignoredBecause({ user: 'U0PARLEY' }, answerBots)).toBe('own message');
    expect(ignoredBecause({ bot_id: 'B0OTHER', subtype: 'message_changed' }, answerBots)).toBe('subtype message_changed');
    expect(ignoredBecause({ user: 'U0OTHERBOT', bot_id: 'B0OTHER', edited: {} }, answerBots)).toBe('edited');
  });
});
