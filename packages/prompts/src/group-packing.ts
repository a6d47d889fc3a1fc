import { budgetTooSmall, countTexts, type TokenCounter } from './token-counter.js';

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
