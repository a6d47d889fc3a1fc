import { describe, expect, it } from 'vitest';
import { escapeSlackText, formatReply } from '../src/slack/replies/format-reply.js';

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

  it('says how many earlier turns a chat answer saw, not messages of a thread', () => {
    const chat = { ...success, task: 'ask' as const, details: { kind: 'answer' as const, answered: true, chat: true as const } };
    expect(formatReply({ ...chat, messagesCovered: 4, messagesInThread: 4 }, 'r')).toContain('_chat · 4 earlier turns · flan-t5-small · ');
    expect(formatReply({ ...chat, messagesCovered: 1, messagesInThread: 1 }, 'r')).toContain('_chat · 1 earlier turn · ');
    expect(formatReply({ ...chat, messagesCovered: 0, messagesInThread: 0 }, 'r')).toContain('_chat · no earlier turns · ');
    expect(formatReply({ ...chat, messagesCovered: 6, messagesInThread: 10 }, 'r')).toContain('_chat · last 6 of 10 turns (older ones did not fit the model) · ');
    // A question about a thread keeps the thread wording.
    expect(formatReply({ ...chat, details: { kind: 'answer', answered: true } }, 'r')).toContain('_ask · 6 messages · ');
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

describe('summary citations', () => {
  const summary = {
    ...success,
    details: {
      kind: 'summary' as const,
      sections: [
        { title: 'Decisions', points: [{ text: 'Ship on Friday <!here>', messageIds: ['1790000001.000200', '1790000000.000100'] }] },
        { title: 'Action items', points: [{ text: 'Write notes', owner: 'Lena', messageIds: ['1790000000.000100', '1790000009.000900'] }] },
      ],
    },
  };
  const links = new Map([
    ['1790000000.000100', 'https://x.slack.invalid/archives/C1/p1790000000000100'],
    ['1790000001.000200', 'https://x.slack.invalid/archives/C1/p1790000001000200'],
  ]);

  it('links each point to its source messages, numbered by first citation; a message without a link is left out', () => {
    const text = formatReply(summary, 'r', links);
    expect(text).toContain('**Decisions**\n- Ship on Friday &lt;!here&gt; [[1]](https://x.slack.invalid/archives/C1/p1790000001000200)[[2]](https://x.slack.invalid/archives/C1/p1790000000000100)');
    expect(text).toContain('- Write notes (Lena) [[2]](https://x.slack.invalid/archives/C1/p1790000000000100)\n');
    expect(text).not.toContain('1790000009');
  });

  it('a single untitled summary with links shows its points without a heading', () => {
    const single = { ...summary, details: { kind: 'summary' as const, sections: [{ title: 'Summary', points: summary.details.sections[0]!.points }] } };
    expect(formatReply(single, 'r', links).startsWith('- Ship on Friday')).toBe(true);
    expect(formatReply(single, 'r')).toContain(success.text);
  });
});
