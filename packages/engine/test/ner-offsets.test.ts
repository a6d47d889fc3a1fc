import { Tokenizer } from '@huggingface/tokenizers';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alignTokens, type AlignOptions, type TokenSpan } from '../src/ner/index.js';
import { normalizeWithMap } from '../src/ner/normalized-text.js';

const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'];
const LETTERS = [...'abcdefghijklmnopqrstuvwxyz', ...'ABCDEFGHIJKLMNOPQRSTUVWXYZ'];
const VOCAB = [
  ...SPECIAL,
  ...'.,!-#'.split(''),
  ...LETTERS,
  ...LETTERS.map((c) => `##${c}`),
  ...['Zoë', 'José', 'zoe', 'jose', 'Angela', 'Merk', '##el', 'met', 'in', 'wolf', '##gang', 'straße', '##ë'],
  ...['東', '京', 'に', '行', 'く', '野'],
];

/** A BERT WordPiece tokenizer (tokenizer.json layout) over a tiny vocabulary: any ASCII word splits into letters. */
function bertTokenizer(lowercase: boolean): Tokenizer {
  const vocab = Object.fromEntries(VOCAB.map((t, i) => [t, i]));
  const special = (content: string) => ({
    id: vocab[content],
    content,
    single_word: false,
    lstrip: false,
    rstrip: false,
    normalized: false,
    special: true,
  });
  const templateToken = (id: string) => ({ id, ids: [vocab[id]], tokens: [id] });
  return new Tokenizer(
    {
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL.map(special),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
        ],
        pair: [],
        special_tokens: { '[CLS]': templateToken('[CLS]'), '[SEP]': templateToken('[SEP]') },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab },
    },
    { do_lower_case: lowercase, model_max_length: 512 },
  );
}

const cased = bertTokenizer(false);
const uncased = bertTokenizer(true);

function wordPieceOptions(lowercase: boolean): AlignOptions {
  return { specialTokens: new Set(SPECIAL), unkToken: '[UNK]', continuingSubwordPrefix: '##', lowercase };
}

/** Tokenize with the real tokenizer and align; returns [token, span] pairs. */
function align(text: string, lowercase: boolean, withSpecial = false): [string, TokenSpan | null][] {
  const tokenizer = lowercase ? uncased : cased;
  const tokens: string[] = withSpecial ? tokenizer.encode(text).tokens : tokenizer.tokenize(text);
  const spans = alignTokens(text, tokens, wordPieceOptions(lowercase));
  return tokens.map((t, i) => [t, spans[i] ?? null]);
}

const slices = (text: string, pairs: [string, TokenSpan | null][]) =>
  pairs.map(([, s]) => (s === null ? null : text.slice(s.start, s.end)));

describe('alignTokens on a WordPiece tokenizer', () => {
  it('keeps accents, punctuation and one token per CJK ideograph in a cased model', () => {
    const text = 'Zoë met José in 東京に行く.';
    // Python (all BMP characters, so code points = UTF-16 units here): the same offsets.
    expect(align(text, false)).toEqual([
      ['Zoë', { start: 0, end: 3 }],
      ['met', { start: 4, end: 7 }],
      ['José', { start: 8, end: 12 }],
      ['in', { start: 13, end: 15 }],
      ['東', { start: 16, end: 17 }],
      ['京', { start: 17, end: 18 }],
      ['に', { start: 18, end: 19 }],
      ['行', { start: 19, end: 20 }],
      ['く', { start: 20, end: 21 }],
      ['.', { start: 21, end: 22 }],
    ]);
  });

  it('maps lowercased, accent-stripped tokens back to the original spelling in an uncased model', () => {
    const text = 'Zoë met José';
    const pairs = align(text, true);
    expect(pairs.map(([t]) => t)).toEqual(['zoe', 'met', 'jose']);
    expect(slices(text, pairs)).toEqual(['Zoë', 'met', 'José']);
  });

  it('includes a decomposed accent in the span of the letter it belongs to', () => {
    const text = 'Jose\u0301 met';
    const pairs = align(text, true);
    expect(pairs).toEqual([
      ['jose', { start: 0, end: 5 }],
      ['met', { start: 6, end: 9 }],
    ]);
  });

  it('splits a cased word that is not in the vocabulary into pieces with adjacent spans', () => {
    const text = 'Zoe Merkel';
    // Python: Z (0,1) ##o (1,2) ##e (2,3) Merk (4,8) ##el (8,10).
    expect(align(text, false)).toEqual([
      ['Z', { start: 0, end: 1 }],
      ['##o', { start: 1, end: 2 }],
      ['##e', { start: 2, end: 3 }],
      ['Merk', { start: 4, end: 8 }],
      ['##el', { start: 8, end: 10 }],
    ]);
  });

  it('counts UTF-16 units: an emoji before an entity shifts its offsets by 2, where Python shifts by 1', () => {
    const text = '😀 Angela Merkel';
    // Python (code points): [UNK] (0,1), Angela (2,8), Merk (9,13), ##el (13,15).
    expect(align(text, false)).toEqual([
      ['[UNK]', { start: 0, end: 2 }],
      ['Angela', { start: 3, end: 9 }],
      ['Merk', { start: 10, end: 14 }],
      ['##el', { start: 14, end: 16 }],
    ]);
    expect(text.slice(3, 9)).toBe('Angela');
  });

  it('gives [UNK] the whole pre-token WordPiece replaced, up to whitespace or punctuation', () => {
    // "hi😀there" is one pre-token (an emoji is a symbol, not punctuation): WordPiece makes all of it [UNK].
    expect(align('hi😀there a', false)).toEqual([
      ['[UNK]', { start: 0, end: 9 }],
      ['a', { start: 10, end: 11 }],
    ]);
    // "™" is not punctuation either, but "-" is, so it splits "a-b".
    expect(align('a™b a-b', false)).toEqual([
      ['[UNK]', { start: 0, end: 3 }],
      ['a', { start: 4, end: 5 }],
      ['-', { start: 5, end: 6 }],
      ['b', { start: 6, end: 7 }],
    ]);
  });

  it('gives a non-BMP CJK ideograph its own [UNK] of two UTF-16 units', () => {
    const text = '𠮷野家';
    // Python (code points): [UNK] (0,1), 野 (1,2), [UNK] (2,3).
    expect(align(text, true)).toEqual([
      ['[UNK]', { start: 0, end: 2 }],
      ['野', { start: 2, end: 3 }],
      ['[UNK]', { start: 3, end: 4 }],
    ]);
  });

  it('lets one [UNK] cover a run of ideographs when the tokenizer does not isolate them', () => {
    const options = { ...wordPieceOptions(true), handleChineseChars: false };
    expect(alignTokens('𠮷野家 a', ['[UNK]', 'a'], options)).toEqual([
      { start: 0, end: 4 },
      { start: 5, end: 6 },
    ]);
  });

  it('skips runs of spaces, newlines and tabs, and spans a removed zero-width space', () => {
    const text = 'Wolfgang  \n\t met\u200bin';
    // The normalizer drops U+200B, so "met\u200bin" is one word, "metin": met ##i ##n.
    expect(align(text, true)).toEqual([
      ['wolf', { start: 0, end: 4 }],
      ['##gang', { start: 4, end: 8 }],
      ['met', { start: 13, end: 16 }],
      ['##i', { start: 17, end: 18 }],
      ['##n', { start: 18, end: 19 }],
    ]);
  });

  it('lowercases İ and the Greek capitals as the tokenizer does', () => {
    const text = 'İ ΣΑΣ Straße';
    const pairs = align(text, true);
    expect(pairs.map(([t]) => t)).toEqual(['i', '[UNK]', 'straße']);
    expect(slices(text, pairs)).toEqual(['İ', 'ΣΑΣ', 'Straße']);
  });

  it('gives special tokens null without consuming text', () => {
    const text = 'Angela met Zoë';
    const pairs = align(text, false, true);
    expect(pairs[0]).toEqual(['[CLS]', null]);
    expect(pairs.at(-1)).toEqual(['[SEP]', null]);
    expect(slices(text, pairs.slice(1, -1))).toEqual(['Angela', 'met', 'Zoë']);
  });

  it('matches every token the tokenizer produces, each span normalizing to the token (property)', () => {
    const alphabet = [...'abcXYZéÉëñ .,-#\n', '😀', '東', '京', '𠮷', '\u0301', '\u200b', '™', 'ß', 'İ'];
    const text = fc.array(fc.constantFrom(...alphabet), { maxLength: 40 }).map((cs) => cs.join(''));
    fc.assert(
      fc.property(text, fc.boolean(), (t, lowercase) => {
        const pairs = align(t, lowercase);
        let previousEnd = 0;
        for (const [token, span] of pairs) {
          expect(span, `${JSON.stringify(token)} in ${JSON.stringify(t)}`).not.toBeNull();
          const { start, end } = span!;
          expect(start).toBeGreaterThanOrEqual(previousEnd);
          expect(end).toBeGreaterThan(start);
          expect(end).toBeLessThanOrEqual(t.length);
          previousEnd = end;
          if (token !== '[UNK]') {
            const normalized = normalizeWithMap(t.slice(start, end), { lowercase }).text.trim();
            expect(normalized).toBe(token.replace(/^##/u, ''));
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('alignTokens when a token cannot be found', () => {
  const options = wordPieceOptions(false);

  it('gives that token null and resynchronizes on the next one', () => {
    const spans = alignTokens('Angela Merkel', ['Angela', 'Xyz', 'Merk', '##el'], options);
    expect(spans).toEqual([{ start: 0, end: 6 }, null, { start: 7, end: 11 }, { start: 11, end: 13 }]);
  });

  it('does not jump to a later look-alike when the token after it does not follow', () => {
    // As from a tokenizer that applies NFKC (not modelled here): the ligature "ﬁ" became "fi". Searching on
    // for "fi" finds "fish", but "##nd" does not follow it there, so "fi" stays unaligned instead of
    // dragging the cursor past "the".
    const spans = alignTokens('ﬁnd the fish', ['fi', '##nd', 'the', 'fi', '##sh'], options);
    expect(spans).toEqual([
      null,
      { start: 1, end: 3 },
      { start: 4, end: 7 },
      { start: 8, end: 10 },
      { start: 10, end: 12 },
    ]);
  });

  it('does not resynchronize a word-initial token onto the middle of a word', () => {
    // "fi" (from the ligature) also occurs inside "prefix", and "##x" would fit after it there; but a token
    // without ## starts a word, so that occurrence is not a candidate.
    const spans = alignTokens('ﬁx prefix x', ['fi', '##x', 'pre', '##fi', '##x', 'x'], options);
    expect(spans).toEqual([
      null,
      { start: 1, end: 2 },
      { start: 3, end: 6 },
      { start: 6, end: 8 },
      { start: 8, end: 9 },
      { start: 10, end: 11 },
    ]);
  });

  it('never throws on tokens that match nothing, and keeps aligning the rest', () => {
    const spans = alignTokens('Zoë met José', ['Q', 'Q', '##Q', '[UNK]', 'José'], options);
    expect(spans).toEqual([null, null, null, { start: 0, end: 3 }, { start: 8, end: 12 }]);
  });

  it('returns null for everything when the text is empty', () => {
    expect(alignTokens('', ['[CLS]', 'a', '[UNK]', '[SEP]'], options)).toEqual([null, null, null, null]);
  });
});

describe('alignTokens with space markers (SentencePiece ▁, byte-level BPE Ġ)', () => {
  const options: AlignOptions = { specialTokens: new Set(['<s>', '</s>']), unkToken: '<unk>' };

  it('strips the markers and matches pieces that continue a word', () => {
    const spans = alignTokens('Angela  Merkel', ['<s>', '▁Angela', '▁Mer', 'kel', '</s>'], options);
    expect(spans).toEqual([null, { start: 0, end: 6 }, { start: 8, end: 11 }, { start: 11, end: 14 }, null]);
    expect(alignTokens('Hello world', ['Hello', 'Ġworld'], options)).toEqual([
      { start: 0, end: 5 },
      { start: 6, end: 11 },
    ]);
  });

  it('ends an unknown token where the next piece of the same word starts', () => {
    const spans = alignTokens('hi 😀there', ['▁hi', '▁', '<unk>', 'there'], options);
    expect(spans).toEqual([{ start: 0, end: 2 }, null, { start: 3, end: 5 }, { start: 5, end: 10 }]);
  });
});
