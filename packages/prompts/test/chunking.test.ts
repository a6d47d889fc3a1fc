import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chunkMessages, type Chunk } from '../src/chunking.js';
import { renderConversation, type ThreadMessage } from '../src/conversation.js';
import { PromptError } from '../src/prompt-errors.js';
import type { TokenCounter } from '../src/token-counter.js';

/** Stand-in tokenizers. */
const words: TokenCounter = async (texts) => texts.map((t) => t.split(/\s+/).filter(Boolean).length);
const chars4: TokenCounter = async (texts) => texts.map((t) => Math.ceil([...t].length / 4));
/** Not additive: long renders cost more than the sum of their parts, so packing by sums overshoots. */
const superadditive: TokenCounter = async (texts) =>
  texts.map((t) => Math.ceil([...t].length / 4) + Math.floor((t.split('\n').length - 1) ** 2 / 8));

const render = (messages: readonly ThreadMessage[]) => `Summarize the thread.\n${renderConversation(messages, { keepBots: true }).text}`;

const msg = (i: number, text: string, extra: Partial<ThreadMessage> = {}): ThreadMessage => ({ id: `id${i}`, author: `u${i % 3}`, text, isBot: false, ...extra });

/** Checks every promise chunkMessages makes. */
async function checkChunks(messages: readonly ThreadMessage[], chunks: Chunk[], budget: number, count: TokenCounter): Promise<void> {
  const counts = await count(chunks.map((c) => render(c.messages)));
  for (const n of counts) expect(n).toBeLessThanOrEqual(budget);
  expect(chunks.map((c) => c.index)).toEqual(chunks.map((_, i) => i));
  for (const c of chunks) expect(c.messages.length).toBeGreaterThan(0);
  // Reassemble: consecutive pieces with one id are one message, in thread order.
  const whole: { id: string; text: string; parts: number[]; count: number | undefined }[] = [];
  for (const m of chunks.flatMap((c) => c.messages)) {
    const last = whole.at(-1);
    if (m.part && m.part.index > 0 && last?.id === m.id) {
      last.text += m.text;
      last.parts.push(m.part.index);
    } else whole.push({ id: m.id, text: m.text, parts: m.part ? [m.part.index] : [], count: m.part?.count });
  }
  expect(whole.map((w) => w.id)).toEqual(messages.map((m) => m.id));
  expect(whole.map((w) => w.text)).toEqual(messages.map((m) => m.text));
  for (const w of whole) if (w.count !== undefined) expect(w.parts).toEqual([...Array(w.count).keys()]);
}

describe('chunkMessages', () => {
  it('keeps a thread that fits in one chunk, with two batched counts', async () => {
    const calls: number[] = [];
    const counting: TokenCounter = (texts) => (calls.push(texts.length), words(texts));
    const messages = [msg(1, 'hello there'), msg(2, 'general kenobi')];
    const chunks = await chunkMessages(messages, { budget: 100, count: counting, render });
    expect(chunks).toEqual([{ index: 0, messages }]);
    expect(calls).toEqual([3, 1]);
  });

  it('packs whole messages greedily in thread order', async () => {
    const messages = Array.from({ length: 10 }, (_, i) => msg(i, 'w '.repeat(8))); // 10 words a line, 3 for the header
    const chunks = await chunkMessages(messages, { budget: 33, count: words, render, margin: 0 });
    expect(chunks.map((c) => c.messages.length)).toEqual([3, 3, 3, 1]);
    await checkChunks(messages, chunks, 33, words);
  });

  it('splits a long message on sentence boundaries into consecutive parts', async () => {
    const long = Array.from({ length: 12 }, (_, i) => `Sentence number ${i} is here.`).join(' ');
    const messages = [msg(1, 'short one'), msg(2, long), msg(3, 'after')];
    const chunks = await chunkMessages(messages, { budget: 25, count: words, render });
    const parts = chunks.flatMap((c) => c.messages).filter((m) => m.id === 'id2');
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect(p.text).toMatch(/^Sentence number \d+ is here\.(?: Sentence number \d+ is here\.)* ?$/);
    await checkChunks(messages, chunks, 25, words);
  });

  it('splits a message with no spaces at all', async () => {
    const messages = [msg(1, 'x'.repeat(1000)), msg(2, '🙂'.repeat(300))];
    const chunks = await chunkMessages(messages, { budget: 40, count: chars4, render });
    await checkChunks(messages, chunks, 40, chars4);
  });

  it('halves a chunk whose real count is over the estimate', async () => {
    // Three or more lines cost far more together than apart.
    const lumpy: TokenCounter = async (texts) => texts.map((t) => (t.split('\n').length > 3 ? 1000 : t.split(/\s+/).length));
    const messages = Array.from({ length: 6 }, (_, i) => msg(i, 'a b'));
    const chunks = await chunkMessages(messages, { budget: 100, count: lumpy, render });
    expect(chunks.map((c) => c.messages.length)).toEqual([2, 1, 2, 1]);
    await checkChunks(messages, chunks, 100, lumpy);
  });

  it('chunks a 2,000-message thread with few batched counts', async () => {
    let calls = 0;
    const counting: TokenCounter = (texts) => (calls++, chars4(texts));
    const messages = Array.from({ length: 2000 }, (_, i) => msg(i, `Message ${i}: ${'lorem ipsum dolor '.repeat(i % 17)}`));
    const chunks = await chunkMessages(messages, { budget: 512, count: counting, render });
    await checkChunks(messages, chunks, 512, chars4);
    expect(chunks.length).toBeGreaterThan(50);
    expect(calls).toBe(2);
  });

  it('returns no chunks for no messages', async () => {
    expect(await chunkMessages([], { budget: 10, count: words, render })).toEqual([]);
  });

  it('throws a typed error when even the template does not fit', async () => {
    await expect(chunkMessages([msg(1, 'hi')], { budget: 3, count: words, render })).rejects.toMatchObject({
      code: 'BUDGET_TOO_SMALL',
    });
    await expect(chunkMessages([msg(1, 'hi')], { budget: 0, count: words, render })).rejects.toBeInstanceOf(PromptError);
  });

  it('rejects a counter that returns the wrong number of counts', async () => {
    const broken: TokenCounter = async () => [1];
    await expect(chunkMessages([msg(1, 'a'), msg(2, 'b')], { budget: 50, count: broken, render })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
    });
  });

  const sentence = fc.constantFrom('Hello there.', 'Is this done?', 'Ship it!', 'ok', 'x'.repeat(120), 'Ünïcödé tëxt', '🙂👍🏽', '  ', '\n', 'Dr. No said so.');
  const text = fc.oneof(
    fc.array(sentence, { maxLength: 40 }).map((a) => a.join(' ')),
    fc.string({ maxLength: 300 }),
    fc.string({ unit: 'grapheme', maxLength: 200 }),
  );
  const thread = fc
    .array(fc.record({ text, isBot: fc.boolean() }), { maxLength: 40 })
    .map((list) => list.map((m, i) => msg(i, m.text, { isBot: m.isBot })));

  for (const [name, count] of [
    ['words', words],
    ['chars4', chars4],
    ['superadditive', superadditive],
  ] as const) {
    it(`never exceeds the budget, and keeps every message once, in order (property, ${name})`, async () => {
      await fc.assert(
        fc.asyncProperty(thread, fc.integer({ min: 30, max: 300 }), fc.constantFrom(0, 0.1, 0.3), async (messages, budget, margin) => {
          const chunks = await chunkMessages(messages, { budget, count, render, margin });
          await checkChunks(messages, chunks, budget, count);
        }),
        { numRuns: 150 },
      );
    });
  }
});
