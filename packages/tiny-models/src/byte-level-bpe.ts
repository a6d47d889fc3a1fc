/** A GPT-2 style byte-level BPE tokenizer: a tiny deterministic trainer and its tokenizer.json. */

import { ENGLISH_TEXT } from './english-text.js';

export const END_OF_TEXT = '<|endoftext|>';

/** GPT-2's pre-tokenizer split (contractions, letters, digits, other symbols, whitespace), as the ByteLevel pre-tokenizer applies it. */
const PRE_TOKENIZE = /'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+/gu;

/**
 * Byte → printable character: bytes that are already visible Latin-1 characters stand for
 * themselves, the others (controls, space, …) are moved to U+0100 onwards, in byte order.
 * The order of the returned list is the order of the base vocabulary.
 */
function byteAlphabet(): { chars: string[]; ofByte: string[] } {
  const visible = (b: number) => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  const ofByte = new Array<string>(256);
  const order: number[] = [];
  for (let b = 0; b < 256; b++) if (visible(b)) order.push(b);
  let shifted = 0;
  for (let b = 0; b < 256; b++) {
    ofByte[b] = visible(b) ? String.fromCharCode(b) : String.fromCharCode(256 + shifted++);
    if (!visible(b)) order.push(b);
  }
  return { chars: order.map((b) => ofByte[b]!), ofByte };
}

export interface BpeModel {
  /** Token strings by id: the 256 byte characters, then one per merge that made a new token. */
  vocab: string[];
  merges: [string, string][];
}

/**
 * Learns merges over `text` the classic way: count adjacent symbol pairs in every pre-token (weighted
 * by its frequency), merge the most frequent pair (ties: the smallest pair string), repeat until no pair
 * occurs twice or `maxMerges` is reached.
 */
export function trainByteLevelBpe(text: string, maxMerges: number): BpeModel {
  const { chars, ofByte } = byteAlphabet();
  const encoder = new TextEncoder();
  const frequency = new Map<string, number>();
  for (const piece of text.match(PRE_TOKENIZE) ?? []) {
    const mapped = Array.from(encoder.encode(piece), (b) => ofByte[b]!).join('');
    frequency.set(mapped, (frequency.get(mapped) ?? 0) + 1);
  }
  const words = [...frequency].map(([word, count]) => ({ symbols: [...word], count }));

  const vocab = [...chars];
  const known = new Set(vocab);
  const merges: [string, string][] = [];
  while (merges.length < maxMerges) {
    // Byte-level symbols never contain a space, so "a b" names a pair unambiguously.
    const pairs = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = `${symbols[i]} ${symbols[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + count);
      }
    }
    let best: string | null = null;
    let bestCount = 1;
    for (const [key, count] of pairs) {
      if (count > bestCount || (count === bestCount && best !== null && key < best)) {
        best = key;
        bestCount = count;
      }
    }
    if (best === null) break;
    const [left, right] = best.split(' ') as [string, string];
    merges.push([left, right]);
    const merged = left + right;
    if (!known.has(merged)) {
      known.add(merged);
      vocab.push(merged);
    }
    for (const word of words) {
      const s = word.symbols;
      const out: string[] = [];
      for (let i = 0; i < s.length; i++) {
        if (i + 1 < s.length && s[i] === left && s[i + 1] === right) {
          out.push(merged);
          i++;
        } else {
          out.push(s[i]!);
        }
      }
      word.symbols = out;
    }
  }
  return { vocab, merges };
}

const MAX_MERGES = 1200;

/** The fixture's BPE model, learned from the package's English text. */
export function fixtureBpe(): BpeModel {
  return trainByteLevelBpe(ENGLISH_TEXT, MAX_MERGES);
}

/** Token id of `<|endoftext|>`: the last id, as in GPT-2 (50256). */
export function endOfTextId(model: BpeModel): number {
  return model.vocab.length;
}

export function byteLevelBpeTokenizerJson(model: BpeModel): object {
  const byteLevel = { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true };
  return {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      { id: endOfTextId(model), content: END_OF_TEXT, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true },
    ],
    normalizer: null,
    pre_tokenizer: byteLevel,
    post_processor: { ...byteLevel, trim_offsets: false },
    decoder: byteLevel,
    model: {
      type: 'BPE',
      dropout: null,
      unk_token: null,
      continuing_subword_prefix: '',
      end_of_word_suffix: '',
      fuse_unk: false,
      byte_fallback: false,
      ignore_merges: false,
      vocab: Object.fromEntries(model.vocab.map((token, id) => [token, id])),
      merges: model.merges.map(([a, b]) => `${a} ${b}`),
    },
  };
}

export function byteLevelBpeTokenizerConfigJson(model: BpeModel, maxLength: number): object {
  return {
    tokenizer_class: 'GPT2Tokenizer',
    model_max_length: maxLength,
    bos_token: END_OF_TEXT,
    eos_token: END_OF_TEXT,
    unk_token: END_OF_TEXT,
    add_prefix_space: false,
    clean_up_tokenization_spaces: false,
    added_tokens_decoder: {
      [String(endOfTextId(model))]: { content: END_OF_TEXT, single_word: false, lstrip: false, rstrip: false, normalized: true, special: true },
    },
  };
}
