import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fitRecentMessages, renderConversation, type ThreadMessage } from '../src/index.js';

const renderTranscript = (messages: readonly ThreadMessage[]) => renderConversation(messages).text;

const msg = (i: number, words: number): ThreadMessage => ({ id: String(i), author: `u${i}`, text: 'w '.repeat(words), isBot: false });
/** A stand-in tokenizer for these tests: one token per whitespace-separated word. */
const countWords = async (text: string) => text.split(/\s+/).filter(Boolean).length;

describe('fitRecentMessages', () => {
  it('keeps every message when the prompt fits', async () => {
    const messages = [msg(1, 3), msg(2, 3)];
    expect(await fitRecentMessages(messages, renderTranscript, countWords, 100)).toEqual({ messages, dropped: 0 });
  });

  it('drops the oldest messages first, keeping thread order', async () => {
    const messages = [msg(1, 10), msg(2, 10), msg(3, 10), msg(4, 10)]; // 11 words per rendered line
    const fitted = await fitRecentMessages(messages, renderTranscript, countWords, 25);
    expect(fitted.messages.map((m) => m.id)).toEqual(['3', '4']);
    expect(fitted.dropped).toBe(2);
  });

  it('returns the last message alone when even that does not fit', async () => {
    const fitted = await fitRecentMessages([msg(1, 2), msg(2, 50)], renderTranscript, countWords, 10);
    expect(fitted.messages.map((m) => m.id)).toEqual(['2']);
    const single = await fitRecentMessages([msg(1, 50)], renderTranscript, countWords, 10);
    expect(single).toEqual({ messages: [msg(1, 50)], dropped: 0 });
  });

  it('always returns the longest fitting suffix (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 1, max: 400 }), async (sizes, limit) => {
        const messages = sizes.map((s, i) => msg(i, s));
        const { messages: kept, dropped } = await fitRecentMessages(messages, renderTranscript, countWords, limit);
        expect(kept).toEqual(messages.slice(dropped));
        expect(kept.length).toBeGreaterThanOrEqual(1);
        const tokens = await countWords(renderTranscript(kept));
        if (kept.length > 1) expect(tokens).toBeLessThanOrEqual(limit);
        if (dropped > 0) expect(await countWords(renderTranscript(messages.slice(dropped - 1)))).toBeGreaterThan(limit);
      }),
    );
  });
});
