import { describe, expect, it } from 'vitest';
import { parseMention } from '../src/slack/mention-intent.js';

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
});
