import { splitGraphemes } from './text-splits.js';
import { countTexts, type TokenCounter } from './token-counter.js';

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
