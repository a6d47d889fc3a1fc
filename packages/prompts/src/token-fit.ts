import { PromptError } from './prompt-errors.js';

/**
 * Counts tokens with the serving model's own tokenizer, one count per text, in one batch.
 * Implementations must be deterministic: the same text always counts the same.
 */
export type TokenCounter = (texts: readonly string[]) => Promise<number[]>;

/** One batched count, checked: as many counts as texts, each a finite number of at least 0. */
export async function countTexts(count: TokenCounter, texts: readonly string[]): Promise<number[]> {
  if (texts.length === 0) return [];
  const counts = await count(texts);
  if (counts.length !== texts.length || counts.some((n) => !Number.isFinite(n) || n < 0)) {
    throw new PromptError(
      'INVALID_OPTION',
      `token counter returned ${counts.length} counts for ${texts.length} texts, or an invalid count`,
      'Something went wrong while measuring the conversation.',
    );
  }
  return counts;
}

export function checkBudget(budget: number, margin: number): void {
  if (!Number.isFinite(budget) || budget < 1 || !(margin >= 0 && margin < 1)) {
    throw new PromptError(
      'INVALID_OPTION',
      `invalid budget ${budget} or margin ${margin}`,
      'Something went wrong while planning the prompt.',
    );
  }
}

export function budgetTooSmall(what: string): PromptError {
  return new PromptError(
    'BUDGET_TOO_SMALL',
    `${what} does not fit the token budget`,
    "The model's context window is too small for this request.",
  );
}

/**
 * Greedy packing by summed costs: consecutive items go into one group while their costs add up
 * to at most `limit`; an item is never left alone outside a group, so a group holds at least one.
 */
export function packByCost(costs: readonly number[], limit: number): number[][] {
  const groups: number[][] = [];
  let current: number[] = [];
  let sum = 0;
  costs.forEach((cost, i) => {
    if (current.length > 0 && sum + cost > limit) {
      groups.push(current);
      current = [];
      sum = 0;
    }
    current.push(i);
    sum += cost;
  });
  if (current.length > 0) groups.push(current);
  return groups;
}

/**
 * Summed counts are an estimate (a tokenizer can merge across the join); this measures each
 * group's real render, in one batch per round, and halves any group over budget until all fit.
 * A single item over budget cannot be halved: `onSingle` decides (split it or throw).
 */
export async function verifyGroups<T>(
  groups: readonly T[][],
  options: {
    budget: number;
    count: TokenCounter;
    render: (items: readonly T[]) => string;
    onSingle: (item: T) => Promise<T[]> | T[];
  },
): Promise<{ groups: T[][]; counts: number[] }> {
  let work = groups.map((items) => ({ items, count: undefined as number | undefined }));
  for (;;) {
    const pending = work.filter((g) => g.count === undefined);
    if (pending.length === 0) return { groups: work.map((g) => g.items), counts: work.map((g) => g.count!) };
    const counts = await countTexts(
      options.count,
      pending.map((g) => options.render(g.items)),
    );
    pending.forEach((g, i) => (g.count = counts[i]));
    const next: typeof work = [];
    for (const g of work) {
      if (g.count! <= options.budget) next.push(g);
      else if (g.items.length >= 2) {
        const half = Math.ceil(g.items.length / 2);
        next.push({ items: g.items.slice(0, half), count: undefined }, { items: g.items.slice(half), count: undefined });
      } else {
        const pieces = await options.onSingle(g.items[0]!);
        if (pieces.length < 2) throw budgetTooSmall('a single item');
        for (const piece of pieces) next.push({ items: [piece], count: undefined });
      }
    }
    work = next;
  }
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });
const sentences = new Intl.Segmenter('en', { granularity: 'sentence' });

export function splitGraphemes(text: string): string[] {
  return Array.from(graphemes.segment(text), (s) => s.segment);
}

/** Sentences with their trailing whitespace; they concatenate back to `text`. */
export function splitSentences(text: string): string[] {
  return Array.from(sentences.segment(text), (s) => s.segment);
}

/** Words with their trailing whitespace (leading whitespace is a piece of its own). */
export function splitWords(text: string): string[] {
  return text.match(/^\s+|\S+\s*/g) ?? [];
}

/** Two halves on a grapheme boundary, or the text alone if it is a single grapheme. */
export function halve(text: string): string[] {
  const g = splitGraphemes(text);
  if (g.length < 2) return [text];
  const mid = Math.ceil(g.length / 2);
  return [g.slice(0, mid).join(''), g.slice(mid).join('')];
}

/**
 * For each text, the longest prefix whose `measure` counts at most `limits[i]`, cut at the end of
 * a word when any whole word fits, else on a grapheme boundary. Binary searches run in lockstep,
 * one batched count per step. Every returned prefix was itself counted, so it surely fits; an
 * empty prefix is assumed to fit (callers check the empty render first).
 */
export async function fitPrefixes(
  texts: readonly string[],
  limits: readonly number[],
  measure: (prefix: string) => string,
  count: TokenCounter,
): Promise<string[]> {
  const searches = texts.map((text, i) => {
    const wordEnds = Array.from(text.matchAll(/\S+/g), (m) => m.index + m[0].length);
    return { text, limit: limits[i]!, cuts: wordEnds, lo: 0, hi: wordEnds.length + 1 };
  });
  // Index `k` stands for the prefix ending at cuts[k - 1]; index 0 is the empty prefix.
  const prefix = (s: (typeof searches)[number], k: number) => (k === 0 ? '' : s.text.slice(0, s.cuts[k - 1]));
  const run = async () => {
    for (;;) {
      const active = searches.filter((s) => s.hi - s.lo > 1);
      if (active.length === 0) return;
      const mids = active.map((s) => (s.lo + s.hi) >> 1);
      const counts = await countTexts(
        count,
        active.map((s, i) => measure(prefix(s, mids[i]!))),
      );
      active.forEach((s, i) => {
        if (counts[i]! <= s.limit) s.lo = mids[i]!;
        else s.hi = mids[i]!;
      });
    }
  };
  await run();
  // Not even the first word fits: search inside it, grapheme by grapheme.
  for (const s of searches) {
    if (s.lo === 0 && s.cuts.length > 0) {
      let end = 0;
      const first = s.text.slice(0, s.cuts[0]);
      s.cuts = splitGraphemes(first).map((g) => (end += g.length));
      s.hi = s.cuts.length; // the whole first word is known not to fit
    }
  }
  await run();
  return searches.map((s) => prefix(s, s.lo));
}
