import { Tokenizer } from '@huggingface/tokenizers';
import { describe, expect, it } from 'vitest';
import { buildWordPieceVocab, wordPieceTokenizerConfigJson, wordPieceTokenizerJson } from '../src/wordpiece-tokenizer.js';

describe('WordPiece tokenizer (cased BERT style)', () => {
  const vocab = buildWordPieceVocab();
  const tokenizer = new Tokenizer(wordPieceTokenizerJson(vocab), wordPieceTokenizerConfigJson(vocab, 'BertTokenizer', 512));

  it('starts with the specials, wraps text in [CLS] … [SEP], and round-trips it', () => {
    expect(vocab.slice(0, 5)).toEqual(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']);
    // Cleanup joins "word ," back, but (as in BERT) not "1, 250" or "x :", so the texts avoid those.
    for (const text of ['Maya Lopez met the Google team in Paris on Friday.', 'We shipped the naïve fix, but it works!', 'Parley summarizes threads.']) {
      const { ids, tokens } = tokenizer.encode(text);
      expect(tokens[0]).toBe('[CLS]');
      expect(tokens.at(-1)).toBe('[SEP]');
      expect(tokens).not.toContain('[UNK]');
      expect(tokenizer.decode(ids, { skip_special_tokens: true }), text).toBe(text);
    }
  });

  it('keeps case, knows whole words, and splits unseen words into a few ## pieces', () => {
    expect(tokenizer.encode('Paris paris').tokens.slice(1, -1)[0]).toBe('Paris');
    expect(tokenizer.encode('release').tokens).toEqual(['[CLS]', 'release', '[SEP]']);
    for (const word of ['Parley', 'summarizes', 'deployment', 'Kubernetes']) {
      const pieces = tokenizer.encode(word).tokens.slice(1, -1);
      expect(pieces.length, pieces.join(' ')).toBeLessThanOrEqual(word.length / 2 + 1);
      expect(pieces.slice(1).every((p: string) => p.startsWith('##')), pieces.join(' ')).toBe(true);
    }
  });

  it('writes the BERT tokenizer.json pieces: BertNormalizer (cased), BertPreTokenizer, TemplateProcessing, WordPiece decoder', () => {
    expect(wordPieceTokenizerJson(vocab)).toMatchObject({
      normalizer: { type: 'BertNormalizer', lowercase: false },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: { type: 'TemplateProcessing', special_tokens: { '[CLS]': { ids: [2] }, '[SEP]': { ids: [3] } } },
      decoder: { type: 'WordPiece', prefix: '##' },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##' },
    });
  });
});
