/**
 * Turning per-token label probabilities into entities, with the semantics of the Python transformers
 * `TokenClassificationPipeline` (`aggregation_strategy` none / simple / first / average / max), not those of
 * transformers.js, which differs in three ways: it has no first/average/max, it drops ignored labels before
 * grouping (so `I-PER O I-PER` becomes one entity there, two here), and it gives no offsets.
 *
 * Grouping follows Python's `get_tag`: `B-X` opens an entity, `I-X` continues one of type X, and any other label
 * (no prefix, or a BIOES `S-`/`E-` prefix) is a continuation whose type is the whole label. So BIOES labels are
 * not understood, exactly as in Python: `B-PER I-PER E-PER` gives two PER entities (`E-PER` is the type
 * "E-PER", not "PER"), and `S-PER S-PER` merges into one. The entity's name is its first label after the first
 * hyphen (`B-PER` → `PER`, `S-PER` → `PER`, `B-first-name` → `first-name`).
 */

import { joinWordPieces } from './subwords.js';

export type AggregationStrategy = 'none' | 'simple' | 'first' | 'average' | 'max';

export interface TokenPrediction {
  /** Position of the token in the model input (Python counts [CLS] as 0). */
  index: number;
  /** The token as the tokenizer spells it (`##gang`), or for the unknown token the original text. */
  word: string;
  start: number | null;
  end: number | null;
  /** Softmax probabilities over the labels. */
  scores: Float32Array;
  /** Whether the token continues the previous token's word (see `isSubwordToken`). */
  isSubword: boolean;
}

/** One result, with the keys of the Python pipeline: `entity` + `index` for 'none', `entity_group` otherwise. */
export interface Entity {
  entity?: string;
  entity_group?: string;
  score: number;
  word: string;
  start: number | null;
  end: number | null;
  index?: number;
}

export interface AggregateOptions {
  /** Labels (for 'none') or entity groups (otherwise) left out of the result, after grouping. Default ['O']. */
  ignoreLabels?: readonly string[];
  /** The original text: when given, a grouped entity's word is `text.slice(start, end)` rather than joined tokens. */
  text?: string;
  /** Joins token or word strings into an entity's word when the text slice is not available. Default: WordPiece. */
  joinTokens?: (pieces: readonly string[]) => string;
}

/** A token or word with its decided label, before grouping. */
interface Labelled {
  label: string;
  score: number;
  word: string;
  start: number | null;
  end: number | null;
}

export function aggregateEntities(
  tokens: readonly TokenPrediction[],
  id2label: Readonly<Record<number, string>>,
  strategy: AggregationStrategy,
  options: AggregateOptions = {},
): Entity[] {
  const ignore = new Set(options.ignoreLabels ?? ['O']);
  const labelOf = (i: number): string => {
    const label = id2label[i];
    if (label === undefined) throw new RangeError(`id2label has no label for class ${i}`);
    return label;
  };
  switch (strategy) {
    case 'none':
      return tokens
        .map((t): Entity => {
          const best = argmax(t.scores);
          return { entity: labelOf(best), score: t.scores[best]!, index: t.index, word: t.word, start: t.start, end: t.end };
        })
        .filter((e) => !ignore.has(e.entity!));
    case 'simple':
      return group(tokens.map((t) => labelToken(t, labelOf)), options).filter((e) => !ignore.has(e.entity_group!));
    case 'first':
    case 'average':
    case 'max':
      return group(
        splitWords(tokens).map((word) => labelWord(word, strategy, labelOf, options)),
        options,
      ).filter((e) => !ignore.has(e.entity_group!));
    default:
      throw new RangeError(`unknown aggregation strategy ${JSON.stringify(strategy)}`);
  }
}

function labelToken(t: TokenPrediction, labelOf: (i: number) => string): Labelled {
  const best = argmax(t.scores);
  return { label: labelOf(best), score: t.scores[best]!, word: t.word, start: t.start, end: t.end };
}

/** Runs of tokens forming one word: a token starts a new word unless it is a subword (the first always starts one). */
function splitWords(tokens: readonly TokenPrediction[]): TokenPrediction[][] {
  const words: TokenPrediction[][] = [];
  for (const t of tokens) {
    const current = words.at(-1);
    if (current !== undefined && t.isSubword) current.push(t);
    else words.push([t]);
  }
  return words;
}

function labelWord(
  word: readonly TokenPrediction[],
  strategy: 'first' | 'average' | 'max',
  labelOf: (i: number) => string,
  options: AggregateOptions,
): Labelled {
  const first = word[0]!;
  const last = word.at(-1)!;
  const text = (options.joinTokens ?? joinWordPieces)(word.map((t) => t.word));
  let scores: Float32Array | Float64Array;
  if (strategy === 'first') {
    scores = first.scores;
  } else if (strategy === 'max') {
    // The first token with the highest top probability, as Python's max() keeps the first of equal keys.
    let best = first;
    for (const t of word) if (maxOf(t.scores) > maxOf(best.scores)) best = t;
    scores = best.scores;
  } else {
    scores = meanVector(word.map((t) => t.scores));
  }
  const idx = argmax(scores);
  return { label: labelOf(idx), score: scores[idx]!, word: text, start: first.start, end: last.end };
}

/** Python's `get_tag`: B-/I- prefixes split off; anything else is an I- continuation of the whole label. */
function bioTag(label: string): { begins: boolean; tag: string } {
  if (label.startsWith('B-')) return { begins: true, tag: label.slice(2) };
  if (label.startsWith('I-')) return { begins: false, tag: label.slice(2) };
  return { begins: false, tag: label };
}

function group(items: readonly Labelled[], options: AggregateOptions): Entity[] {
  const entities: Entity[] = [];
  let run: Labelled[] = [];
  for (const item of items) {
    const last = run.at(-1);
    if (last !== undefined) {
      const { begins, tag } = bioTag(item.label);
      if (begins || tag !== bioTag(last.label).tag) {
        entities.push(toEntity(run, options));
        run = [];
      }
    }
    run.push(item);
  }
  if (run.length > 0) entities.push(toEntity(run, options));
  return entities;
}

function toEntity(run: readonly Labelled[], options: AggregateOptions): Entity {
  const first = run[0]!;
  const last = run.at(-1)!;
  const hyphen = first.label.indexOf('-');
  const word =
    options.text !== undefined && first.start !== null && last.end !== null
      ? options.text.slice(first.start, last.end)
      : (options.joinTokens ?? joinWordPieces)(run.map((r) => r.word));
  return {
    entity_group: hyphen >= 0 ? first.label.slice(hyphen + 1) : first.label,
    score: nanMean(run.map((r) => r.score)),
    word,
    start: first.start,
    end: last.end,
  };
}

/** Index of the largest value; the first on ties, like numpy's argmax. */
function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

function maxOf(values: Float32Array): number {
  return values[argmax(values)]!;
}

/** Mean ignoring NaN, as numpy's nanmean (NaN when every value is NaN). */
function nanMean(values: readonly number[]): number {
  let sum = 0;
  let count = 0;
  for (const v of values) {
    if (!Number.isNaN(v)) {
      sum += v;
      count++;
    }
  }
  return count === 0 ? NaN : sum / count;
}

/** Element-wise nanmean of equally long score vectors. */
function meanVector(vectors: readonly Float32Array[]): Float64Array {
  const width = vectors[0]!.length;
  const out = new Float64Array(width);
  for (let k = 0; k < width; k++) out[k] = nanMean(vectors.map((v) => v[k] ?? NaN));
  return out;
}
