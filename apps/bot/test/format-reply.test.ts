import { describe, expect, it } from 'vitest';
import { escapeSlackText, formatReply } from '../src/slack/format-reply.js';

const success = {
  ok: true as const,
  task: 'summarize' as const,
  text: 'Ship on Friday.',
  model: { name: 'flan-t5-small', isRandomTestModel: false },
  messagesCovered: 6,
  messagesInThread: 6,
  generation: { maxNewTokens: 128 },
  stats: { promptTokens: 80, newTokens: 5, generationMs: 40 },
};

describe('formatReply', () => {
  it('escapes <, > and & so model text cannot mention @channel, users or disguise links', () => {
    expect(escapeSlackText('<!channel> <@U123> <https://evil|ok> a&b')).toBe('&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil|ok&gt; a&amp;b');
    const text = formatReply({ ...success, text: 'hi <!here> & <@U1>' }, 'summarize-abc');
    expect(text).not.toMatch(/<[!@]/);
  });

  it('ends with a footer naming the task, coverage, model and settings', () => {
    expect(formatReply(success, 'summarize-abc')).toBe('Ship on Friday.\n\n_summarize · 6 messages · flan-t5-small · greedy, max 128 tokens_');
    const sampled = { ...success, generation: { maxNewTokens: 64, doSample: true, temperature: 0.3, topP: 0.9, seed: 7, shots: 2 } };
    expect(formatReply(sampled, 'r')).toContain('sampling, temperature 0.3, top-p 0.9');
    expect(formatReply(sampled, 'r')).toContain('seed 7');
  });

  it('says how much of a thread too long for the model it covered', () => {
    expect(formatReply({ ...success, messagesCovered: 40, messagesInThread: 900 }, 'r')).toContain(
      'last 40 of 900 messages (the rest did not fit the model)',
    );
  });

  it('says plainly when the reply comes from the random test model', () => {
    expect(formatReply({ ...success, model: { name: 'tiny-t5', isRandomTestModel: true } }, 'r')).toContain('random test model');
  });

  it('shows a failure as its user message with a reference id', () => {
    expect(formatReply({ ok: false, code: 'PROMPT_TOO_LONG', userMessage: 'The input is too long.' }, 'summarize-abc')).toBe(
      ':warning: The input is too long. (ref `summarize-abc`)',
    );
  });
});
