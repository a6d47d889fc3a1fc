import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import {
  byteLevelBpeTokenizerConfigJson,
  byteLevelBpeTokenizerJson,
  END_OF_TEXT,
  endOfTextId,
  fixtureBpe,
  trainByteLevelBpe,
} from '../src/byte-level-bpe.js';

describe('byte-level BPE tokenizer (GPT-2 style)', () => {
  const model = fixtureBpe();
  const tokenizer = new Tokenizer(byteLevelBpeTokenizerJson(model), byteLevelBpeTokenizerConfigJson(model, 256));

  it('round-trips any text exactly, including accents, emoji and odd whitespace', () => {
    for (const text of ['Hello world, naïve café ☕', 'The team agreed to ship on Friday.', "We'll see what's next…\n\n\tdone  ", '日本語 🙂 1,250']) {
      const { ids } = tokenizer.encode(text);
      expect(tokenizer.decode(ids), text).toBe(text);
    }
  });

  it('has the 256 byte symbols first, learned merges after, and <|endoftext|> as the last, special id', () => {
    expect(model.vocab.slice(0, 3)).toEqual(['!', '"', '#']);
    expect(model.vocab).toContain('Ġ');
    expect(new Set(model.vocab).size).toBe(model.vocab.length);
    expect(model.vocab.length).toBeGreaterThan(256 + 100);
    expect(tokenizer.encode(`${END_OF_TEXT}Hi`).ids[0]).toBe(endOfTextId(model));
    expect(tokenizer.decode(tokenizer.encode(`Hi${END_OF_TEXT}`).ids, { skip_special_tokens: true })).toBe('Hi');
  });

  it('merges frequent words of its text into single tokens, so common English is short', () => {
    expect(tokenizer.encode(' the release').tokens).toEqual(['Ġthe', 'Ġrelease']);
    const text = 'On Monday morning the team met to plan the release.';
    expect(tokenizer.encode(text).ids.length).toBeLessThan(text.length / 3);
  });

  it('trains deterministically: the most frequent pair first, ties by the smaller pair', () => {
    // Pre-tokens "ab", " ab" ×2, " cd" ×3: "a b", "c d" and "Ġ c" occur 3 times; "a b" sorts first.
    expect(trainByteLevelBpe('ab ab ab cd cd cd', 3).merges).toEqual([
      ['a', 'b'],
      ['c', 'd'],
      ['Ġ', 'cd'],
    ]);
    expect(fixtureBpe()).toEqual(model);
  });

  it('writes the GPT-2 tokenizer.json shape: ByteLevel pre-tokenizer and decoder, BPE model with merges', () => {
    expect(byteLevelBpeTokenizerJson(model)).toMatchObject({
      pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, use_regex: true },
      decoder: { type: 'ByteLevel' },
      model: { type: 'BPE', merges: expect.arrayContaining(['Ġ t']) },
      added_tokens: [{ content: END_OF_TEXT, special: true }],
    });
  });
});
