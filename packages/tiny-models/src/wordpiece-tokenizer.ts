/** A cased BERT-style WordPiece tokenizer whose vocabulary comes from the package's English text. */

import { ENGLISH_TEXT } from './english-text.js';

export const WORDPIECE_SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;

/** Entity-like words for token-classification tests, beyond the names in the text. */
const EXTRA_WORDS = ['Sarah', 'Chen', 'John', 'Smith', 'Acme', 'Google', 'Microsoft', 'Tokyo', 'Madrid', 'Europe', 'English', 'Monday'];

const LETTERS = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789', ...'àáâäçèéêëìíîïñòóôöùúûüÀÁÂÄÇÈÉÊËÌÍÎÏÑÒÓÔÖÙÚÛÜß'];
const PUNCTUATION = [...`.,:;!?'"()[]{}<>-_/\\@#$%&*+=|~\`…–—€£`];

/**
 * Specials first, then single characters (word-initial and "##" continuation), whole words of the
 * text, and word pieces: 2–3 letter word starts and "##" pieces of 2–3 letters from inside words, so
 * an unseen English word still splits into a few pieces rather than [UNK].
 */
export function buildWordPieceVocab(): string[] {
  const vocab: string[] = [];
  const seen = new Set<string>();
  const add = (token: string) => {
    if (!seen.has(token)) {
      seen.add(token);
      vocab.push(token);
    }
  };
  WORDPIECE_SPECIALS.forEach(add);
  LETTERS.forEach(add);
  PUNCTUATION.forEach(add);
  LETTERS.forEach((c) => add(`##${c}`));
  const words = [...(ENGLISH_TEXT.match(/\p{L}+|\p{N}+/gu) ?? []), ...EXTRA_WORDS];
  words.forEach(add);
  for (const word of words) {
    if (word.length < 4) continue;
    add(word.slice(0, 2));
    add(word.slice(0, 3));
    for (let start = 1; start < word.length - 1; start++) {
      add(`##${word.slice(start, start + 2)}`);
      if (start + 3 <= word.length) add(`##${word.slice(start, start + 3)}`);
    }
  }
  return vocab;
}

function addedToken(id: number, content: string) {
  return { id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true };
}

export function wordPieceTokenizerJson(vocab: string[]): object {
  const id = (token: string) => vocab.indexOf(token);
  const special = (token: string, typeId: number) => ({ SpecialToken: { id: token, type_id: typeId } });
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: WORDPIECE_SPECIALS.map((t) => addedToken(id(t), t)),
    normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: false },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [special('[CLS]', 0), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]', 0)],
      pair: [special('[CLS]', 0), { Sequence: { id: 'A', type_id: 0 } }, special('[SEP]', 0), { Sequence: { id: 'B', type_id: 1 } }, special('[SEP]', 1)],
      special_tokens: Object.fromEntries(['[CLS]', '[SEP]'].map((t) => [t, { id: t, ids: [id(t)], tokens: [t] }])),
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
    model: {
      type: 'WordPiece',
      unk_token: '[UNK]',
      continuing_subword_prefix: '##',
      max_input_chars_per_word: 100,
      vocab: Object.fromEntries(vocab.map((token, i) => [token, i])),
    },
  };
}

export function wordPieceTokenizerConfigJson(vocab: string[], tokenizerClass: string, maxLength: number): object {
  return {
    tokenizer_class: tokenizerClass,
    do_lower_case: false,
    tokenize_chinese_chars: true,
    strip_accents: null,
    model_max_length: maxLength,
    pad_token: '[PAD]',
    unk_token: '[UNK]',
    cls_token: '[CLS]',
    sep_token: '[SEP]',
    mask_token: '[MASK]',
    clean_up_tokenization_spaces: true,
    added_tokens_decoder: Object.fromEntries(WORDPIECE_SPECIALS.map((t) => [String(vocab.indexOf(t)), addedToken(vocab.indexOf(t), t)])),
  };
}
