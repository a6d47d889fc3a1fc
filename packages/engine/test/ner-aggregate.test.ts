import { describe, expect, it } from 'vitest';
import {
  aggregateEntities,
  alignTokens,
  type AggregationStrategy,
  type Entity,
  type TokenPrediction,
  isSubwordToken,
  joinWordPieces,
  softmax,
  toTokenPredictions,
} from '../src/ner/index.js';

const BIO = { 0: 'O', 1: 'B-PER', 2: 'I-PER', 3: 'B-LOC', 4: 'I-LOC' };

function token(index: number, word: string, span: [number, number] | null, scores: number[], isSubword = false): TokenPrediction {
  return { index, word, start: span?.[0] ?? null, end: span?.[1] ?? null, scores: Float32Array.from(scores), isSubword };
}

/** Scores are float32 (0.45 is stored as 0.4499999881…): compare them to 6 decimals. */
function rounded(entities: Entity[]): Entity[] {
  return entities.map((e) => ({ ...e, score: Math.round(e.score * 1e6) / 1e6 }));
}

/** A one-hot-ish score vector: `p` on `label`, the rest shared evenly. */
function peaked(label: number, p: number, width = 5): number[] {
  return Array.from({ length: width }, (_, k) => (k === label ? p : (1 - p) / (width - 1)));
}

describe('aggregateEntities: a word whose pieces disagree', () => {
  // "Wolfgang lives in Berlin": Wolf | ##gang | lives | in | Berlin, index 0 being [CLS].
  const text = 'Wolfgang lives in Berlin';
  const tokens = [
    token(1, 'Wolf', [0, 4], [0.4, 0.45, 0, 0.15, 0]), // argmax B-PER 0.45
    token(2, '##gang', [4, 8], [0.4, 0, 0, 0.6, 0], true), // argmax B-LOC 0.6
    token(3, 'lives', [9, 14], peaked(0, 0.9)),
    token(4, 'in', [15, 17], peaked(0, 0.9)),
    token(5, 'Berlin', [18, 24], peaked(3, 0.8)),
  ];
  const run = (strategy: AggregationStrategy, withText = true) =>
    rounded(aggregateEntities(tokens, BIO, strategy, withText ? { text } : {}));
  const berlin = { entity_group: 'LOC', score: 0.8, word: 'Berlin', start: 18, end: 24 };

  it('none: one result per token that is not O, with its label and index', () => {
    // Python: [{'entity': 'B-PER', 'score': 0.45, 'index': 1, 'word': 'Wolf', 'start': 0, 'end': 4}, ...]
    expect(run('none')).toEqual([
      { entity: 'B-PER', score: 0.45, index: 1, word: 'Wolf', start: 0, end: 4 },
      { entity: 'B-LOC', score: 0.6, index: 2, word: '##gang', start: 4, end: 8 },
      { entity: 'B-LOC', score: 0.8, index: 5, word: 'Berlin', start: 18, end: 24 },
    ]);
  });

  it('simple: tokens grouped as they are, so the word is cut in two', () => {
    // Python: PER 'Wolf', LOC '##gang' (a lone piece decodes with its prefix), LOC 'Berlin'.
    expect(run('simple', false)).toEqual([
      { entity_group: 'PER', score: 0.45, word: 'Wolf', start: 0, end: 4 },
      { entity_group: 'LOC', score: 0.6, word: '##gang', start: 4, end: 8 },
      berlin,
    ]);
    expect(run('simple').map((e) => e.word)).toEqual(['Wolf', 'gang', 'Berlin']);
  });

  it('first: the first piece decides (PER)', () => {
    // Python: [{'entity_group': 'PER', 'score': 0.45, 'word': 'Wolfgang', 'start': 0, 'end': 8}, Berlin]
    expect(run('first')).toEqual([{ entity_group: 'PER', score: 0.45, word: 'Wolfgang', start: 0, end: 8 }, berlin]);
  });

  it('max: the piece with the highest probability decides (LOC)', () => {
    // Python: [{'entity_group': 'LOC', 'score': 0.6, 'word': 'Wolfgang', 'start': 0, 'end': 8}, Berlin]
    expect(run('max')).toEqual([{ entity_group: 'LOC', score: 0.6, word: 'Wolfgang', start: 0, end: 8 }, berlin]);
  });

  it('average: the mean vector [0.4, 0.225, 0, 0.375, 0] says O, so Wolfgang is no entity', () => {
    // Python: [Berlin] only.
    expect(run('average')).toEqual([berlin]);
    // Kept, the O word merges with the O words after it: score mean(0.4, 0.9, 0.9).
    expect(rounded(aggregateEntities(tokens, BIO, 'average', { text, ignoreLabels: [] }))[0]).toEqual({
      entity_group: 'O',
      score: 0.733333,
      word: 'Wolfgang lives in',
      start: 0,
      end: 17,
    });
  });

  it('max: on a tie the first piece wins, as Python max() keeps the first', () => {
    const tie = [token(1, 'Wolf', [0, 4], [0.1, 0.6, 0.3, 0, 0]), token(2, '##gang', [4, 8], [0.1, 0, 0, 0.6, 0.3], true)];
    expect(aggregateEntities(tie, BIO, 'max', { text }).map((e) => e.entity_group)).toEqual(['PER']);
  });

  it('joins words with spaces and pieces without ## when no text is given', () => {
    const words = [
      token(1, 'wolf', [0, 4], peaked(1, 0.9)),
      token(2, '##gang', [4, 8], peaked(2, 0.7), true),
      token(3, 'ama', [9, 12], peaked(2, 0.8)),
      token(4, '##deus', [12, 16], peaked(2, 0.6), true),
    ];
    // Python (uncased model), 'first': [{'entity_group': 'PER', 'score': 0.85, 'word': 'wolfgang amadeus', 'start': 0, 'end': 16}]
    expect(rounded(aggregateEntities(words, BIO, 'first'))).toEqual([
      { entity_group: 'PER', score: 0.85, word: 'wolfgang amadeus', start: 0, end: 16 },
    ]);
    expect(aggregateEntities(words, BIO, 'simple', { text: 'Wolfgang Amadeus' })[0]!.word).toBe('Wolfgang Amadeus');
  });
});

describe('aggregateEntities: grouping', () => {
  const group = (labels: number[], id2label: Record<number, string> = BIO, options = {}) => {
    const tokens = labels.map((l, i) => token(i + 1, `w${i}`, [3 * i, 3 * i + 2], peaked(l, 0.9, Object.keys(id2label).length)));
    return aggregateEntities(tokens, id2label, 'simple', options).map((e) => [e.entity_group, e.word]);
  };

  it('starts a new entity on every B-, so two consecutive B-PER are two entities', () => {
    expect(group([1, 1])).toEqual([
      ['PER', 'w0'],
      ['PER', 'w1'],
    ]);
    expect(group([1, 2, 2])).toEqual([['PER', 'w0 w1 w2']]);
    expect(group([2, 2])).toEqual([['PER', 'w0 w1']]);
  });

  it('starts a new entity when the type changes, even on I-', () => {
    expect(group([1, 4, 2])).toEqual([
      ['PER', 'w0'],
      ['LOC', 'w1'],
      ['PER', 'w2'],
    ]);
  });

  it('applies ignore_labels after grouping: I-PER O I-PER stays two PER entities', () => {
    // Python: two entities. transformers.js drops O first and would merge them into one.
    expect(group([2, 0, 2])).toEqual([
      ['PER', 'w0'],
      ['PER', 'w2'],
    ]);
    expect(group([2, 0, 2], BIO, { ignoreLabels: [] })).toEqual([
      ['PER', 'w0'],
      ['O', 'w1'],
      ['PER', 'w2'],
    ]);
  });

  it('treats labels without a prefix as continuations of their own type', () => {
    const plain = { 0: 'O', 1: 'PER', 2: 'LOC' };
    expect(group([1, 1, 2, 0, 1], plain)).toEqual([
      ['PER', 'w0 w1'],
      ['LOC', 'w2'],
      ['PER', 'w4'],
    ]);
  });

  it('does what Python does with BIOES labels: E- and S- are whole-label types', () => {
    const bioes = { 0: 'O', 1: 'B-PER', 2: 'I-PER', 3: 'E-PER', 4: 'S-PER' };
    // Python: B I E → 'PER' (w0 w1) and 'PER' (w2), since get_tag('E-PER') is ('I', 'E-PER') ≠ 'PER'.
    expect(group([1, 2, 3], bioes)).toEqual([
      ['PER', 'w0 w1'],
      ['PER', 'w2'],
    ]);
    // Python: S S → one entity (same whole-label type, not B-), named 'PER' by split('-', 1).
    expect(group([4, 4], bioes)).toEqual([['PER', 'w0 w1']]);
  });

  it('names an entity by what follows the first hyphen', () => {
    // Python ≥ 4.3x splits with split('-', 1): 'first-name' (older versions said 'name').
    expect(group([1, 2], { 0: 'O', 1: 'B-first-name', 2: 'I-first-name' })).toEqual([['first-name', 'w0 w1']]);
  });

  it('scores a group with the mean of its token scores', () => {
    const tokens = [token(1, 'Angela', [0, 6], peaked(1, 0.9)), token(2, 'Merkel', [7, 13], peaked(2, 0.6))];
    expect(aggregateEntities(tokens, BIO, 'simple')[0]!.score).toBeCloseTo(0.75, 6);
  });

  it('filters ignore_labels on the group name for grouped strategies and on the label for none', () => {
    const tokens = [token(1, 'Angela', [0, 6], peaked(1, 0.9)), token(2, 'Berlin', [7, 13], peaked(3, 0.9))];
    expect(aggregateEntities(tokens, BIO, 'simple', { ignoreLabels: ['LOC'] }).map((e) => e.word)).toEqual(['Angela']);
    // 'B-PER' is no group name, so Python keeps the PER group; with 'none' it matches the token's label.
    expect(aggregateEntities(tokens, BIO, 'simple', { ignoreLabels: ['B-PER'] })).toHaveLength(2);
    expect(aggregateEntities(tokens, BIO, 'none', { ignoreLabels: ['B-PER'] }).map((e) => e.word)).toEqual(['Berlin']);
  });

  it('returns nothing for no tokens, and refuses a class id2label does not name', () => {
    for (const s of ['none', 'simple', 'first', 'average', 'max'] as const) expect(aggregateEntities([], BIO, s)).toEqual([]);
    const tokens = [token(1, 'x', [0, 1], [0.1, 0.9])];
    expect(() => aggregateEntities(tokens, { 0: 'O' }, 'simple')).toThrow(/no label for class 1/);
    expect(() => aggregateEntities(tokens, BIO, 'sum' as AggregationStrategy)).toThrow(/unknown aggregation strategy/);
  });
});

describe('softmax', () => {
  it('normalizes one row of a [tokens × labels] matrix', () => {
    const logits = Float32Array.from([0, Math.log(3), /* row 1 */ 5, 5]);
    const row0 = softmax(logits, 2, 0);
    expect(row0[0]).toBeCloseTo(0.25, 6);
    expect(row0[1]).toBeCloseTo(0.75, 6);
    expect(Array.from(softmax(logits, 2, 1))).toEqual([0.5, 0.5]);
  });

  it('does not overflow on large logits', () => {
    const row = softmax(Float32Array.from([1000, 1000 + Math.log(3)]), 2, 0);
    expect(row[0]).toBeCloseTo(0.25, 4);
    expect(row[1]).toBeCloseTo(0.75, 4);
  });

  it('rejects rows and shapes that do not fit', () => {
    const logits = new Float32Array(6);
    expect(() => softmax(logits, 3, 2)).toThrow(/outside the 2 rows/);
    expect(() => softmax(logits, 4, 0)).toThrow(/not a multiple/);
    expect(() => softmax(logits, 0, 0)).toThrow(/positive integer/);
  });
});

describe('isSubwordToken and joinWordPieces', () => {
  it('with a ## prefix, the prefix decides', () => {
    expect(isSubwordToken('##gang', 'Wolfgang', 4, 8, '##')).toBe(true);
    expect(isSubwordToken('Wolf', 'Wolfgang', 0, 4, '##')).toBe(false);
    expect(isSubwordToken('##gang', 'Wolfgang', null, null, '##')).toBe(true);
    expect(isSubwordToken('#', 'a # b', 2, 3, '##')).toBe(false);
  });

  it('without a prefix, a token glued to the character before it is a subword', () => {
    const text = 'Angela Merkel\nvisits';
    expect(isSubwordToken('kel', text, 10, 13)).toBe(true);
    expect(isSubwordToken('▁Mer', text, 7, 10)).toBe(false);
    expect(isSubwordToken('▁Angela', text, 0, 6)).toBe(false);
    // Python checks for ' ' only and would call this one a subword.
    expect(isSubwordToken('visits', text, 14, 20)).toBe(false);
    // Offsets that include the leading space (byte-level BPE without trim_offsets).
    expect(isSubwordToken('ĠMerkel', text, 6, 13)).toBe(false);
    expect(isSubwordToken('kel', text, null, null)).toBe(false);
  });

  it('joins pieces as the WordPiece decoder does, keeping a leading piece as it is', () => {
    expect(joinWordPieces(['Wolf', '##gang', 'lives'])).toBe('Wolfgang lives');
    expect(joinWordPieces(['##gang', 'x'])).toBe('##gang x');
    expect(joinWordPieces([])).toBe('');
  });
});

describe('toTokenPredictions', () => {
  const specialTokens = new Set(['[CLS]', '[SEP]', '[UNK]']);

  it("drops special tokens, keeps [UNK] with its original text, and marks ## pieces (Python's gather_pre_entities)", () => {
    const text = '😀 Angela Merkel';
    const tokens = ['[CLS]', '[UNK]', 'Angela', 'Merk', '##el', '[SEP]'];
    const options = { specialTokens, unkToken: '[UNK]', continuingSubwordPrefix: '##' };
    const offsets = alignTokens(text, tokens, options);
    const scores = tokens.map((_, i) => Float32Array.from([i]));
    const predictions = toTokenPredictions(text, tokens, offsets, scores, options);
    expect(predictions.map(({ index, word, start, end, isSubword }) => ({ index, word, start, end, isSubword }))).toEqual([
      { index: 1, word: '😀', start: 0, end: 2, isSubword: false },
      { index: 2, word: 'Angela', start: 3, end: 9, isSubword: false },
      { index: 3, word: 'Merk', start: 10, end: 14, isSubword: false },
      { index: 4, word: '##el', start: 14, end: 16, isSubword: true },
    ]);
    expect(predictions.map((p) => p.scores[0])).toEqual([1, 2, 3, 4]);
  });

  it('uses the whitespace heuristic without a prefix, and null offsets when a token was not found', () => {
    const text = 'Angela Merkel';
    const tokens = ['▁Angela', '▁Mer', 'kel', '▁Zzz'];
    const offsets = alignTokens(text, tokens, { specialTokens });
    const predictions = toTokenPredictions(text, tokens, offsets, tokens.map(() => new Float32Array(1)), { specialTokens });
    expect(predictions.map((p) => [p.isSubword, p.start])).toEqual([
      [false, 0],
      [false, 7],
      [true, 10],
      [false, null],
    ]);
  });

  it('rejects inputs of different lengths', () => {
    expect(() => toTokenPredictions('a', ['a'], [], [new Float32Array(1)], { specialTokens })).toThrow(/same length/);
  });

  it('feeds softmax rows through to entities', () => {
    const text = 'Angela Merkel spoke';
    const tokens = ['[CLS]', 'Angela', 'Merk', '##el', 'spoke', '[SEP]'];
    // Logits per token over O, B-PER, I-PER, B-LOC, I-LOC.
    const logits = Float32Array.from([
      ...[9, 0, 0, 0, 0],
      ...[0, 5, 1, 0, 0],
      ...[0, 1, 4, 0, 0],
      ...[0, 0, 3, 0, 2],
      ...[6, 0, 0, 0, 0],
      ...[9, 0, 0, 0, 0],
    ]);
    const options = { specialTokens: new Set(['[CLS]', '[SEP]']), continuingSubwordPrefix: '##' };
    const scores = tokens.map((_, i) => softmax(logits, 5, i));
    const predictions = toTokenPredictions(text, tokens, alignTokens(text, tokens, options), scores, options);
    const entities = aggregateEntities(predictions, BIO, 'first', { text });
    expect(entities.map(({ entity_group, word, start, end }) => ({ entity_group, word, start, end }))).toEqual([
      { entity_group: 'PER', word: 'Angela Merkel', start: 0, end: 13 },
    ]);
    const expected = (softmax(logits, 5, 1)[1]! + softmax(logits, 5, 2)[2]!) / 2;
    expect(entities[0]!.score).toBeCloseTo(expected, 6);
  });
});
