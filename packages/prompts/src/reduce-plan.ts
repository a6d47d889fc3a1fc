import { packByCost, verifyGroups } from './group-packing.js';
import { fitPrefixes } from './prefix-fit.js';
import { PromptError } from './prompt-errors.js';
import { budgetTooSmall, checkBudget, countTexts, type TokenCounter } from './token-counter.js';

export interface ReduceOptions {
  /** The most tokens one reduce prompt may have. */
  budget: number;
  count: TokenCounter;
  /** The reduce prompt for a group of summaries, whose tokens are counted. */
  render: (texts: readonly string[]) => string;
  /** The share of the budget left free when packing by summed counts. Default 0.1. */
  margin?: number;
}

export interface ReducePlan {
  /** Consecutive texts, each group's render within budget; fewer groups than texts when 2 or more. */
  groups: string[][];
  /** How many texts were cut short to make the plan possible. */
  truncated: number;
}

/**
 * Groups consecutive summaries for one reduce step. With two or more texts the plan has at most
 * half as many groups as texts (rounded up): if greedy packing of the texts as they are does not
 * achieve that, texts longer than a share of the budget are cut at a word boundary until every
 * neighbouring pair fits together. So each reduce level at least halves the count, and the
 * recursion ends after about log2(texts) levels whatever the summarizer returns.
 */
export async function planReduce(texts: readonly string[], options: ReduceOptions): Promise<ReducePlan> {
  const { budget, count, render, margin = 0.1 } = options;
  checkBudget(budget, margin);
  if (texts.length === 0) return { groups: [], truncated: 0 };
  const [base, ...alone] = await countTexts(count, [render([]), ...texts.map((t) => render([t]))]);
  if (base! >= budget) throw budgetTooSmall('the empty reduce prompt');
  const room = budget - base!;
  const target = Math.ceil(texts.length / 2);

  const work = [...texts];
  const costs = alone.map((n) => n - base!);
  const truncated = new Set<number>();
  // Share of the room one text may take: everything (alone), then a half, then less.
  for (const share of [1, ...[0.5, 0.35, 0.25, 0.15, 0.1].map((s) => s * (1 - margin))]) {
    const cap = Math.max(1, Math.floor(room * share));
    const over = costs.flatMap((c, i) => (c > cap ? [i] : []));
    if (over.length > 0) {
      const cut = await fitPrefixes(
        over.map((i) => work[i]!),
        over.map(() => base! + cap),
        (prefix) => render([prefix]),
        count,
      );
      const recounted = await countTexts(count, cut.map((t) => render([t])));
      over.forEach((i, k) => {
        work[i] = cut[k]!;
        costs[i] = recounted[k]! - base!;
        truncated.add(i);
      });
    }
    const packed = packByCost(costs, room * (1 - margin)).map((g) => g.map((i) => work[i]!));
    const { groups } = await verifyGroups(packed, {
      budget,
      count,
      render,
      onSingle: () => {
        throw budgetTooSmall('a summary cut to fit');
      },
    });
    if (groups.length <= target) return { groups, truncated: truncated.size };
  }
  throw new PromptError(
    'REDUCE_NO_PROGRESS',
    `could not group ${texts.length} summaries into ${target} prompts of ${budget} tokens`,
    "The model's context window is too small to combine these summaries.",
  );
}

export interface ReduceSummariesOptions extends ReduceOptions {
  /**
   * Summarizes each group into one text, all groups of a level in one call (one batch, or one
   * job each). Returns one text per group, in order.
   */
  summarize: (groups: readonly (readonly string[])[], level: number) => Promise<string[]>;
  /** Levels allowed before giving up. Default 16: enough for 2^16 summaries. */
  maxDepth?: number;
}

export interface ReduceResult {
  /** The one remaining text; `render([text])` is within budget. */
  text: string;
  /** How many summarize calls (levels) it took; 0 when a single text already fitted. */
  levels: number;
  /** Texts cut short along the way. */
  truncated: number;
}

/**
 * The reduce half of map-reduce: while more than one text remains, group them with `planReduce`
 * and summarize each group. Every level at least halves the count, so it ends; `maxDepth` guards
 * the contract anyway with `PromptError('REDUCE_TOO_DEEP')`. A last text whose render is over
 * budget is cut to fit.
 */
export async function reduceSummaries(texts: readonly string[], options: ReduceSummariesOptions): Promise<ReduceResult> {
  const { summarize, maxDepth = 16, ...plan } = options;
  if (texts.length === 0) {
    throw new PromptError('INVALID_OPTION', 'nothing to reduce', 'There was nothing to summarize.');
  }
  let current = [...texts];
  let levels = 0;
  let truncated = 0;
  while (current.length > 1) {
    if (levels >= maxDepth) {
      throw new PromptError(
        'REDUCE_TOO_DEEP',
        `still ${current.length} summaries after ${levels} reduce levels`,
        'This conversation is too long to summarize.',
      );
    }
    const { groups, truncated: cut } = await planReduce(current, plan);
    truncated += cut;
    const next = await summarize(groups, levels);
    if (next.length !== groups.length) {
      throw new PromptError(
        'INVALID_OPTION',
        `summarize returned ${next.length} texts for ${groups.length} groups`,
        'Something went wrong while combining the summaries.',
      );
    }
    current = next;
    levels++;
  }
  const last = await planReduce(current, plan);
  return { text: last.groups[0]![0]!, levels, truncated: truncated + last.truncated };
}
