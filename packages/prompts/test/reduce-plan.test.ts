import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planReduce, reduceSummaries } from '../src/reduce-plan.js';
import type { TokenCounter } from '../src/token-counter.js';

const words: TokenCounter = async (texts) => texts.map((t) => t.split(/\s+/).filter(Boolean).length);
const chars4: TokenCounter = async (texts) => texts.map((t) => Math.ceil([...t].length / 4));
const render = (texts: readonly string[]) => `Combine these summaries:\n${texts.map((t, i) => `${i + 1}. ${t}`).join('\n')}`;
const summary = (n: number, tag = 's') => Array.from({ length: n }, (_, i) => `${tag}${i}`).join(' ');

describe('planReduce', () => {
  it('groups consecutive summaries whose render fits', async () => {
    const texts = Array.from({ length: 6 }, (_, i) => summary(5, `t${i}`)); // 6 words a line, 3 for the header
    const plan = await planReduce(texts, { budget: 21, count: words, render, margin: 0 });
    expect(plan).toEqual({ groups: [texts.slice(0, 3), texts.slice(3)], truncated: 0 });
  });

  it('cuts summaries that cannot pair, so the count at least halves', async () => {
    const texts = [summary(30, 'a'), summary(30, 'b'), summary(30, 'c')];
    const plan = await planReduce(texts, { budget: 40, count: words, render });
    expect(plan.groups.length).toBe(2);
    expect(plan.truncated).toBe(3);
    for (const [g, group] of plan.groups.entries()) {
      expect((await words([render(group)]))[0]).toBeLessThanOrEqual(40);
      for (const t of group) expect(texts.some((orig) => orig.startsWith(t) && t.length > 0)).toBe(true);
      expect(g).toBeLessThan(2);
    }
  });

  it('cuts a single summary over budget to fit alone', async () => {
    const plan = await planReduce([summary(100)], { budget: 20, count: words, render });
    expect(plan.groups).toHaveLength(1);
    expect(plan.truncated).toBe(1);
    expect((await words([render(plan.groups[0]!)]))[0]).toBeLessThanOrEqual(20);
  });

  it('cuts inside a word when not even one word fits', async () => {
    const plan = await planReduce(['x'.repeat(400), 'y'.repeat(400)], { budget: 40, count: chars4, render });
    expect(plan.groups).toEqual([[expect.stringMatching(/^x+$/), expect.stringMatching(/^y+$/)]]);
    expect((await chars4([render(plan.groups[0]!)]))[0]).toBeLessThanOrEqual(40);
  });

  it('throws a typed error when the template alone is over budget', async () => {
    await expect(planReduce(['a'], { budget: 3, count: words, render })).rejects.toMatchObject({ code: 'BUDGET_TOO_SMALL' });
  });
});

describe('reduceSummaries', () => {
  /** A stand-in summarizer: the first half of the words of its group, at least one. */
  const halfOf = async (groups: readonly (readonly string[])[]) =>
    groups.map((g) => {
      const w = g.join(' ').split(/\s+/).filter(Boolean);
      return w.slice(0, Math.max(1, Math.ceil(w.length / 2))).join(' ');
    });

  it('returns a single fitting text as it is, with no summarize call', async () => {
    const result = await reduceSummaries(['all done'], {
      budget: 50,
      count: words,
      render,
      summarize: () => Promise.reject(new Error('not called')),
    });
    expect(result).toEqual({ text: 'all done', levels: 0, truncated: 0 });
  });

  it('summarizes level by level until one text is left', async () => {
    const seen: number[][] = [];
    const result = await reduceSummaries(
      Array.from({ length: 8 }, (_, i) => summary(6, `c${i}`)),
      {
        budget: 20,
        count: words,
        render,
        summarize: async (groups, level) => {
          seen.push([level, groups.length]);
          return halfOf(groups);
        },
      },
    );
    // 7 words a line: two lines a prompt, and each summary is as long as one input.
    expect(seen).toEqual([
      [0, 4],
      [1, 2],
      [2, 1],
    ]);
    expect(result.levels).toBe(3);
    expect((await words([render([result.text])]))[0]).toBeLessThanOrEqual(20);
  });

  it('stops at maxDepth with a typed error', async () => {
    const texts = Array.from({ length: 16 }, (_, i) => summary(10, `c${i}`));
    await expect(reduceSummaries(texts, { budget: 30, count: words, render, summarize: halfOf, maxDepth: 1 })).rejects.toMatchObject({
      code: 'REDUCE_TOO_DEEP',
    });
  });

  it('rejects a summarizer that returns the wrong number of texts', async () => {
    await expect(
      reduceSummaries(['a b', 'c d'], { budget: 30, count: words, render, summarize: async () => [] }),
    ).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });

  const texts = fc.array(
    fc.oneof(
      fc.integer({ min: 0, max: 120 }).map((n) => summary(n)),
      fc.string({ maxLength: 400 }),
    ),
    { minLength: 1, maxLength: 300 },
  );
  const summarizers = {
    shorter: halfOf,
    // Adversarial: longer than anything that fits, whatever it is given.
    verbose: async (groups: readonly (readonly string[])[]) => groups.map(() => summary(500, 'v')),
    echo: async (groups: readonly (readonly string[])[]) => groups.map((g) => g.join(' ')),
  };

  for (const [name, summarize] of Object.entries(summarizers)) {
    it(`terminates for any input size, with one text within budget (property, ${name} summarizer)`, async () => {
      let deepest = 0;
      await fc.assert(
        fc.asyncProperty(texts, fc.integer({ min: 12, max: 400 }), fc.constantFrom(words, chars4), async (input, budget, count) => {
          const calls: number[] = [];
          const result = await reduceSummaries(input, {
            budget,
            count,
            render,
            summarize: async (groups, level) => {
              calls.push(groups.length);
              // Each level at least halves the number of texts.
              expect(groups.length).toBeLessThanOrEqual(Math.ceil((level === 0 ? input.length : calls.at(-2)!) / 2));
              return summarize(groups);
            },
          });
          expect((await count([render([result.text])]))[0]).toBeLessThanOrEqual(budget);
          expect(result.levels).toBe(calls.length);
          expect(result.levels).toBeLessThanOrEqual(Math.ceil(Math.log2(input.length)));
          if (calls.length > 0) expect(calls.at(-1)).toBe(1);
          deepest = Math.max(deepest, result.levels);
        }),
        { numRuns: 60 },
      );
      // The inputs do reach several levels.
      expect(deepest).toBeGreaterThanOrEqual(3);
    });
  }

  it('plans groups that cover every text in order, each within budget (property)', async () => {
    await fc.assert(
      fc.asyncProperty(texts, fc.integer({ min: 12, max: 400 }), async (input, budget) => {
        const plan = await planReduce(input, { budget, count: chars4, render });
        const flat = plan.groups.flat();
        expect(flat).toHaveLength(input.length);
        flat.forEach((t, i) => expect(input[i]!.startsWith(t)).toBe(true));
        if (plan.truncated === 0) expect(flat).toEqual(input);
        const counts = await chars4(plan.groups.map(render));
        for (const n of counts) expect(n).toBeLessThanOrEqual(budget);
        if (input.length >= 2) expect(plan.groups.length).toBeLessThanOrEqual(Math.ceil(input.length / 2));
      }),
      { numRuns: 100 },
    );
  });
});
