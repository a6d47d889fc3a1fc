import { describe, expect, it } from 'vitest';
import { BLOCK_LIMITS, splitText, toMessages } from '../src/slack/replies/reply-blocks.js';

const words = (n: number) => Array.from({ length: n }, (_, i) => `word${i}`).join(' ');

describe('splitText', () => {
  it('keeps short text whole', () => {
    expect(splitText('a short reply')).toEqual(['a short reply']);
  });

  it('cuts at paragraph, then line, then word breaks, losing no word', () => {
    const text = `${words(400)}\n\n${words(300)}\n${words(900)}`;
    const pieces = splitText(text, 3000);
    expect(pieces.length).toBeGreaterThan(2);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(3000);
    expect(pieces.join(' ').split(/\s+/)).toEqual(text.split(/\s+/));
  });

  it('never cuts inside an escape or a link, even in text without spaces', () => {
    const escaped = '&amp;'.repeat(1000);
    for (const p of splitText(escaped, 3000)) expect(p).toMatch(/^(&amp;)+$/);
    const link = '[[1]](https://parley-test.slack.invalid/archives/C1/p1)';
    const linked = `${'x'.repeat(2990)}${link}${'y'.repeat(100)}`;
    const pieces = splitText(linked, 3000);
    expect(pieces.some((p) => p.includes(link))).toBe(true);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(3000);
  });
});

describe('toMessages', () => {
  it('puts a short reply in one message: a markdown block, the footer as context, then the closing blocks', () => {
    const closing = [{ type: 'context_actions' as const, elements: [{ type: 'feedback_buttons' }] }];
    const [message, ...rest] = toMessages('Ship on **Friday**.', '_summarize · 6 messages_', closing);
    expect(rest).toEqual([]);
    expect(message!.blocks).toEqual([
      { type: 'markdown', text: 'Ship on **Friday**.' },
      { type: 'context', elements: [{ type: 'mrkdwn', text: '_summarize · 6 messages_' }] },
      ...closing,
    ]);
    expect(message!.text).toBe('Ship on **Friday**.\n\n_summarize · 6 messages_');
  });

  it("splits a very long reply into messages within Block Kit's limits, the footer on the last only", () => {
    const body = Array.from({ length: 400 }, (_, i) => `- point ${i}: ${words(60)}`).join('\n');
    const messages = toMessages(body, '_footer_');
    expect(messages.length).toBeGreaterThan(5);
    for (const [i, m] of messages.entries()) {
      expect(m.blocks.length).toBeLessThanOrEqual(BLOCK_LIMITS.blocksPerMessage);
      const markdown = m.blocks.flatMap((b) => (b.type === 'markdown' ? [b.text] : []));
      expect(markdown.join('').length).toBeLessThanOrEqual(BLOCK_LIMITS.markdownCharsPerMessage);
      expect(m.text.length).toBeLessThanOrEqual(BLOCK_LIMITS.markdownCharsPerMessage + 200);
      expect(m.blocks.some((b) => b.type === 'context' && b.elements[0]!.text === '_footer_')).toBe(i === messages.length - 1);
      if (i > 0) expect(m.text.startsWith(`_continued (${i + 1} of ${messages.length})_`)).toBe(true);
    }
    const sections = messages.flatMap((m) => m.blocks.flatMap((b) => (b.type === 'markdown' ? [b.text] : [])));
    expect(sections.join('\n').split(/\s+/)).toEqual(body.split(/\s+/));
  });
});
