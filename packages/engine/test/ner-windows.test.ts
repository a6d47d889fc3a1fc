import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregateEntities,
  mergeWindowPredictions,
  planWindows,
  type TokenPrediction,
  type TokenWindow,
} from '../src/ner/index.js';

const BIO = { 0: 'O', 1: 'B-PER', 2: 'I-PER', 3: 'B-LOC', 4: 'I-LOC' };

function peaked(label: number, p: number, width = 5): Float32Array {
  return Float32Array.from({ length: width }, (_, k) => (k === label ? p : (1 - p) / (width - 1)));
}

const edgeDistance = (w: TokenWindow, t: number) => Math.min(t - w.start, w.end - 1 - t);

/** Valid (tokenCount, maxTokens, stride) triples. */
const plans = fc
  .record({ tokenCount: fc.integer({ min: 0, max: 300 }), maxTokens: fc.integer({ min: 1, max: 60 }) })
  .chain(({ tokenCount, maxTokens }) =>
    fc.record({
      tokenCount: fc.constant(tokenCount),
      maxTokens: fc.constant(maxTokens),
      stride: fc.integer({ min: 0, max: maxTokens - 1 }),
    }),
  );

describe('planWindows', () => {
  it('gives one window for a short input and none for an empty one', () => {
    expect(planWindows(0, 4, 1)).toEqual([]);
    expect(planWindows(3, 4, 1)).toEqual([{ start: 0, end: 3 }]);
    expect(planWindows(4, 4, 1)).toEqual([{ start: 0, end: 4 }]);
  });

  it('overlaps consecutive windows by stride and moves the last one back to end at the last token', () => {
    expect(planWindows(10, 4, 2)).toEqual([
      { start: 0, end: 4 },
      { start: 2, end: 6 },
      { start: 4, end: 8 },
      { start: 6, end: 10 },
    ]);
    // Step 3: windows at 0, 3, 6, then the last at 11 - 4 = 7 overlaps the one before by 3.
    expect(planWindows(11, 4, 1)).toEqual([
      { start: 0, end: 4 },
      { start: 3, end: 7 },
      { start: 6, end: 10 },
      { start: 7, end: 11 },
    ]);
  });

  it('rejects arguments that cannot make progress or are not token counts', () => {
    expect(() => planWindows(10, 4, 4)).toThrow(/stride \(4\) must be smaller than maxTokens \(4\)/);
    expect(() => planWindows(10, 4, 5)).toThrow(/stride/);
    expect(() => planWindows(10, 0, 0)).toThrow(/maxTokens must be a positive integer/);
    expect(() => planWindows(10, 4, -1)).toThrow(/stride must be a non-negative integer/);
    expect(() => planWindows(-1, 4, 1)).toThrow(/tokenCount/);
    expect(() => planWindows(10.5, 4, 1)).toThrow(/tokenCount/);
  });

  it('covers every token with full windows overlapping by exactly stride, except possibly the last (property)', () => {
    fc.assert(
      fc.property(plans, ({ tokenCount, maxTokens, stride }) => {
        const windows = planWindows(tokenCount, maxTokens, stride);
        if (tokenCount === 0) {
          expect(windows).toEqual([]);
          return;
        }
        expect(windows[0]!.start).toBe(0);
        expect(windows.at(-1)!.end).toBe(tokenCount);
        const covered = new Array<boolean>(tokenCount).fill(false);
        for (const w of windows) {
          expect(w.end - w.start).toBe(Math.min(maxTokens, tokenCount));
          for (let t = w.start; t < w.end; t++) covered[t] = true;
        }
        expect(covered.every(Boolean)).toBe(true);
        for (let i = 1; i < windows.length; i++) {
          const overlap = windows[i - 1]!.end - windows[i]!.start;
          if (i < windows.length - 1) expect(overlap).toBe(stride);
          else {
            expect(overlap).toBeGreaterThanOrEqual(stride);
            expect(overlap).toBeLessThan(maxTokens);
          }
        }
        // No more windows than needed.
        const expectedCount = tokenCount <= maxTokens ? 1 : 1 + Math.ceil((tokenCount - maxTokens) / (maxTokens - stride));
        expect(windows).toHaveLength(expectedCount);
      }),
      { numRuns: 500 },
    );
  });
});

describe('mergeWindowPredictions', () => {
  /** Scores that record which window and token they came from. */
  const tagged = (windows: TokenWindow[]) =>
    windows.map((w, i) => Array.from({ length: w.end - w.start }, (_, j) => Float32Array.of(i, w.start + j)));

  it('takes each overlapped token from the window where it is farther from an edge', () => {
    const windows = planWindows(6, 4, 2); // [0,4) and [2,6)
    const merged = mergeWindowPredictions(windows, tagged(windows));
    // Token 2: distance 1 in window 0, 0 in window 1. Token 3: 0 in window 0, 1 in window 1.
    expect(merged.map((s) => [s[0], s[1]])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 3],
      [1, 4],
      [1, 5],
    ]);
  });

  it('prefers the earlier window on a tie', () => {
    const windows = planWindows(7, 5, 3); // [0,5) and [2,7): token 3 is 1 from an edge in both
    expect(mergeWindowPredictions(windows, tagged(windows)).map((s) => s[0])).toEqual([0, 0, 0, 0, 1, 1, 1]);
  });

  it('picks, for every token, a window containing it at the largest distance from its edges (property)', () => {
    fc.assert(
      fc.property(plans, ({ tokenCount, maxTokens, stride }) => {
        const windows = planWindows(tokenCount, maxTokens, stride);
        const merged = mergeWindowPredictions(windows, tagged(windows));
        expect(merged).toHaveLength(tokenCount);
        merged.forEach((scores, t) => {
          const chosen = scores[0]!;
          expect(scores[1]).toBe(t);
          const containing = windows.map((w, i) => ({ w, i })).filter(({ w }) => w.start <= t && t < w.end);
          const best = Math.max(...containing.map(({ w }) => edgeDistance(w, t)));
          const firstBest = containing.find(({ w }) => edgeDistance(w, t) === best)!.i;
          expect(chosen).toBe(firstBest);
        });
      }),
      { numRuns: 500 },
    );
  });

  it('rejects scores that do not fit the windows, and windows that leave a gap', () => {
    const windows = planWindows(6, 4, 2);
    expect(() => mergeWindowPredictions(windows, tagged(windows).slice(1))).toThrow(/expected scores for 2 windows/);
    expect(() => mergeWindowPredictions(windows, [tagged(windows)[0]!, []])).toThrow(/window 1 has 4 tokens but 0/);
    const gap = [
      { start: 0, end: 2 },
      { start: 3, end: 5 },
    ];
    expect(() => mergeWindowPredictions(gap, tagged(gap))).toThrow(/tokens 2 to 2 are in no window/);
    const unordered = [
      { start: 0, end: 4 },
      { start: 2, end: 6 },
      { start: 1, end: 5 },
    ];
    expect(() => mergeWindowPredictions(unordered, tagged(unordered))).toThrow(/starts before/);
    expect(mergeWindowPredictions([], [])).toEqual([]);
  });
});

describe('an entity across a window boundary', () => {
  const words = ['Mr', 'Angela', 'Dorothea', 'Merkel', 'spoke', 'today'];
  const starts = [0, 3, 10, 19, 26, 32];
  const text = 'Mr Angela Dorothea Merkel spoke today';
  const toPredictions = (scores: readonly Float32Array[], offset = 0): TokenPrediction[] =>
    scores.map((s, j) => {
      const t = j + offset;
      return { index: t + 1, word: words[t]!, start: starts[t]!, end: starts[t]! + words[t]!.length, scores: s, isSubword: false };
    });

  // Windows [0,4) and [2,6). Each window is unsure at its edges, as a model is with no context there:
  // window 0 calls "Merkel" (its last token) O, window 1 calls "Dorothea" (its first token) B-PER.
  const windows = planWindows(6, 4, 2);
  const perWindow = [
    [peaked(0, 0.9), peaked(1, 0.9), peaked(2, 0.8), peaked(0, 0.6)],
    [peaked(1, 0.6), peaked(2, 0.9), peaked(0, 0.9), peaked(0, 0.9)],
  ];

  it('comes out once and whole when the merged tokens are aggregated once', () => {
    const merged = mergeWindowPredictions(windows, perWindow);
    const entities = aggregateEntities(toPredictions(merged), BIO, 'simple', { text });
    expect(entities.map(({ entity_group, word, start, end }) => ({ entity_group, word, start, end }))).toEqual([
      { entity_group: 'PER', word: 'Angela Dorothea Merkel', start: 3, end: 25 },
    ]);
  });

  it('would come out twice, cut differently, if each window were aggregated on its own', () => {
    const perWindowEntities = windows.flatMap((w, i) =>
      aggregateEntities(toPredictions(perWindow[i]!, w.start), BIO, 'simple', { text }).map((e) => e.word),
    );
    expect(perWindowEntities).toEqual(['Angela Dorothea', 'Dorothea Merkel']);
  });

  it('gives the same entities as an unwindowed pass when only edge predictions are wrong (property)', () => {
    const cases = fc
      .record({ labels: fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 120 }), maxTokens: fc.integer({ min: 3, max: 20 }) })
      .chain(({ labels, maxTokens }) =>
        fc.record({ labels: fc.constant(labels), maxTokens: fc.constant(maxTokens), stride: fc.integer({ min: 2, max: maxTokens - 1 }) }),
      );
    fc.assert(
      fc.property(cases, ({ labels, maxTokens, stride }) => {
        const n = labels.length;
        const truth = labels.map((l) => peaked(l, 0.9));
        const windows = planWindows(n, maxTokens, stride);
        // A token on a window edge that is not the document's edge gets a confidently wrong label.
        const perWindowScores = windows.map((w) =>
          labels.slice(w.start, w.end).map((l, j) => {
            const t = w.start + j;
            const cut = (t === w.start && t > 0) || (t === w.end - 1 && t < n - 1);
            return cut ? peaked((l + 1) % 5, 0.99) : truth[t]!;
          }),
        );
        const asPredictions = (scores: readonly Float32Array[]): TokenPrediction[] =>
          scores.map((s, t) => ({ index: t, word: `w${t}`, start: 3 * t, end: 3 * t + 2, scores: s, isSubword: false }));
        const windowed = aggregateEntities(asPredictions(mergeWindowPredictions(windows, perWindowScores)), BIO, 'simple');
        expect(windowed).toEqual(aggregateEntities(asPredictions(truth), BIO, 'simple'));
      }),
      { numRuns: 300 },
    );
  });
});
