import { describe, expect, it } from 'vitest';
import { isCodedError } from '@parley/errors';
import { MessageIndex, QUERY_MAX_LENGTH, RetrievalError, type IndexedMessage } from '../src/index.js';
import { GOLDEN_CHANNELS, GOLDEN_MESSAGES, GOLDEN_QUESTIONS } from './golden.js';

const A = 'C0ALPHA';
const B = 'C0BRAVO';

function message(id: string, channelId: string, text: string): IndexedMessage {
  return { id, channelId, author: 'Maya', text, ts: `1733000000.${id.padStart(6, '0')}` };
}

function golden(): MessageIndex {
  const index = new MessageIndex();
  index.add(GOLDEN_MESSAGES);
  return index;
}

function errorOf(fn: () => unknown): RetrievalError {
  try {
    fn();
  } catch (err) {
    if (err instanceof RetrievalError) return err;
    throw err;
  }
  throw new Error('expected a RetrievalError');
}

describe('MessageIndex', () => {
  it('ranks the message sharing the rarest words first', () => {
    const index = new MessageIndex();
    index.add([message('1', A, 'the deploy went fine'), message('2', A, 'the kubernetes deploy failed on the canary'), message('3', A, 'lunch is at noon')]);
    const hits = index.search('canary deploy', { channelIds: [A], limit: 10 });
    expect(hits.map((h) => h.id)).toEqual(['2', '1']);
    expect(hits[0]!.score).toBeGreaterThan(hits[1]!.score);
    expect(hits[0]).toMatchObject({ channelId: A, snippet: 'the kubernetes deploy failed on the canary' });
  });

  it('folds case and ignores stop words', () => {
    const index = new MessageIndex();
    index.add([message('1', A, 'The REDIS cluster is full'), message('2', A, 'what is the plan for this week')]);
    expect(index.search('redis', { channelIds: [A], limit: 5 }).map((h) => h.id)).toEqual(['1']);
    expect(index.search('what is the', { channelIds: [A], limit: 5 })).toEqual([]);
  });

  it('matches whole words only: no prefix or fuzzy matches', () => {
    const index = new MessageIndex();
    index.add([message('1', A, 'deployment finished'), message('2', A, 'the chat is quiet')]);
    expect(index.search('deploy', { channelIds: [A], limit: 5 })).toEqual([]);
    expect(index.search('cat', { channelIds: [A], limit: 5 })).toEqual([]);
  });

  it('returns at most `limit` hits', () => {
    expect(golden().search('release', { channelIds: GOLDEN_CHANNELS, limit: 3 })).toHaveLength(3);
  });

  it('never returns a removed message', () => {
    const index = golden();
    const [target] = index.search('Postgres PgBouncer connections', { channelIds: GOLDEN_CHANNELS, limit: 1 });
    expect(target!.id).toBe('inc-db-outage');
    expect(index.remove('inc-db-outage')).toBe(true);
    expect(index.remove('inc-db-outage')).toBe(false);
    expect(index.has('inc-db-outage')).toBe(false);
    for (const { question } of GOLDEN_QUESTIONS) {
      expect(index.search(question, { channelIds: GOLDEN_CHANNELS, limit: 100 }).map((h) => h.id)).not.toContain('inc-db-outage');
    }
    expect(index.search('PgBouncer', { channelIds: GOLDEN_CHANNELS, limit: 100 })).toEqual([]);
    // And not after a round trip through JSON either.
    expect(MessageIndex.fromJSON(JSON.stringify(index)).search('PgBouncer', { channelIds: GOLDEN_CHANNELS, limit: 100 })).toEqual([]);
  });

  it('matches the edited text after replace, never the old one', () => {
    const index = new MessageIndex();
    index.add([message('1', A, 'standup moves to Tuesday'), message('2', A, 'retro is on Friday')]);
    index.replace(message('1', A, 'standup moves to Wednesday'));
    expect(index.size).toBe(2);
    expect(index.search('tuesday', { channelIds: [A], limit: 5 })).toEqual([]);
    expect(index.search('wednesday', { channelIds: [A], limit: 5 })).toEqual([expect.objectContaining({ id: '1', snippet: 'standup moves to Wednesday' })]);
  });

  it('refuses to add an id twice or to replace an unknown one', () => {
    const index = new MessageIndex();
    index.add([message('1', A, 'hello')]);
    expect(errorOf(() => index.add([message('1', A, 'again')])).code).toBe('DUPLICATE_MESSAGE');
    expect(errorOf(() => index.add([message('2', A, 'x'), message('2', A, 'y')])).code).toBe('DUPLICATE_MESSAGE');
    expect(index.has('2')).toBe(false);
    expect(errorOf(() => index.replace(message('9', A, 'edit'))).code).toBe('UNKNOWN_MESSAGE');
    expect(errorOf(() => index.add([{ id: '', channelId: A, author: 'x', text: 'y', ts: '1' }])).code).toBe('INVALID_INPUT');
  });

  describe('channel filter', () => {
    it('never returns a message from a channel outside channelIds, however well it matches', () => {
      const index = new MessageIndex();
      index.add([message('1', A, 'salary bands for the backend role'), message('2', B, 'salary salary bands bands backend role salary'), message('3', B, 'salary')]);
      expect(index.search('salary bands backend', { channelIds: [A], limit: 10 }).map((h) => h.id)).toEqual(['1']);
      expect(index.search('salary bands backend', { channelIds: [B], limit: 10 }).map((h) => h.channelId)).toEqual([B, B]);
      expect(index.search('salary', { channelIds: [], limit: 10 })).toEqual([]);
      expect(index.search('salary', { channelIds: ['C0UNKNOWN'], limit: 10 })).toEqual([]);
    });

    it('holds for every golden question restricted to each channel', () => {
      const index = golden();
      for (const channel of GOLDEN_CHANNELS) {
        for (const { question } of GOLDEN_QUESTIONS) {
          for (const hit of index.search(question, { channelIds: [channel], limit: 100 })) expect(hit.channelId).toBe(channel);
        }
      }
    });
  });

  it('ranks the same after fromJSON(toJSON())', () => {
    const index = golden();
    index.remove('off-printer');
    index.replace({ ...GOLDEN_MESSAGES.find((m) => m.id === 'off-parking')!, text: 'The garage has six parking spots now.' });
    const loaded = MessageIndex.fromJSON(JSON.stringify(index));
    expect(loaded.size).toBe(index.size);
    for (const { question } of GOLDEN_QUESTIONS) {
      const opts = { channelIds: GOLDEN_CHANNELS, limit: 10 };
      expect(loaded.search(question, opts)).toEqual(index.search(question, opts));
    }
    // The loaded index stays editable.
    loaded.add([message('new', A, 'a brand new zeppelin')]);
    expect(loaded.search('zeppelin', { channelIds: [A], limit: 1 }).map((h) => h.id)).toEqual(['new']);
  });

  it('refuses an unreadable index with a typed error', () => {
    expect(errorOf(() => MessageIndex.fromJSON('{not json')).code).toBe('INVALID_INDEX');
    expect(errorOf(() => MessageIndex.fromJSON('{"serializationVersion": 99}')).code).toBe('INVALID_INDEX');
  });

  describe('queries', () => {
    const index = new MessageIndex();
    index.add([message('1', A, 'hello world')]);

    it.each([
      ['empty', '', 'EMPTY_QUERY'],
      ['only whitespace', ' \n\t ', 'EMPTY_QUERY'],
      ['too long', 'w'.repeat(QUERY_MAX_LENGTH + 1), 'QUERY_TOO_LONG'],
    ])('refuses a query that is %s with a coded ParleyError', (_, query, code) => {
      const err = errorOf(() => index.search(query, { channelIds: [A], limit: 5 }));
      expect(err.code).toBe(code);
      expect(err.permanent).toBe(true);
      expect(isCodedError(err)).toBe(true);
      expect(err.userMessage.length).toBeGreaterThan(0);
    });

    it('takes 500 characters after trimming', () => {
      const query = ` ${'hello '.repeat(83)}hi `;
      expect(query.trim().length).toBe(QUERY_MAX_LENGTH);
      expect(index.search(query, { channelIds: [A], limit: 5 }).map((h) => h.id)).toEqual(['1']);
    });

    it('refuses a bad limit', () => {
      expect(errorOf(() => index.search('hello', { channelIds: [A], limit: 0 })).code).toBe('INVALID_INPUT');
      expect(errorOf(() => index.search('hello', { channelIds: [A], limit: 1.5 })).code).toBe('INVALID_INPUT');
    });
  });
});
