import { describe, expect, it } from 'vitest';
import { parseMention, parseMentionRequest } from '../src/core/mention-intent.js';

describe('parseMention', () => {
  const bot = 'U0PARLEY';
  it.each([
    ['<@U0PARLEY> summarize', { task: 'summarize' }],
    ['<@U0PARLEY> please summarise this thread', { task: 'summarize' }],
    ['<@U0PARLEY> tl;dr', { task: 'summarize' }],
    ['<@U0PARLEY> translate to French', { task: 'translate', language: 'French' }],
    ['<@U0PARLEY> translate this into Deutsch!', { task: 'translate', language: 'Deutsch' }],
    ['<@U0PARLEY> translate es', { task: 'translate', language: 'es' }],
    ['<@U0PARLEY> extract entities', { task: 'entities' }],
    ['<@U0PARLEY> when is the release?', { task: 'ask', question: 'when is the release?' }],
    ['hey <@U0PARLEY|parley> who owns rollback?', { task: 'ask', question: 'hey who owns rollback?' }],
    ['<@U0PARLEY>', { task: 'help' }],
  ])('%s', (text, intent) => {
    expect(parseMention(text, bot)).toEqual(intent);
  });

  it('a question that merely mentions summaries is still a question', () => {
    expect(parseMention('<@U0PARLEY> can the summary include owners?', bot)).toEqual({ task: 'ask', question: 'can the summary include owners?' });
  });

  describe('"privately" keeps the answer to the requester', () => {
    it.each([
      ['<@U0PARLEY> summarize privately', { task: 'summarize' }],
      ['<@U0PARLEY> privately, summarize this thread', { task: 'summarize' }],
      ['<@U0PARLEY> Privately: who owns rollback?', { task: 'ask', question: 'who owns rollback?' }],
      ['<@U0PARLEY> translate to French privately.', { task: 'translate', language: 'French' }],
      ['<@U0PARLEY> extract entities --private', { task: 'entities' }],
    ])('%s', (text, intent) => {
      expect(parseMentionRequest(text, bot)).toEqual({ intent, private: true });
    });

    it('is off otherwise, and words that merely contain it stay in the question', () => {
      expect(parseMentionRequest('<@U0PARLEY> summarize', bot)).toEqual({ intent: { task: 'summarize' }, private: false });
      expect(parseMentionRequest('<@U0PARLEY> is the channel private?', bot)).toEqual({ intent: { task: 'ask', question: 'is the channel private?' }, private: false });
      expect(parseMentionRequest('<@U0PARLEY> who said unprivately?', bot).private).toBe(false);
    });
  });
});
