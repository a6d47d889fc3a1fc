import type { SessionTimer } from './session-timer.js';
import { median } from './stats.js';

export type Measure = Awaited<ReturnType<SessionTimer['measure']>>;

/**
 * Runs each contender once to warm up, then `rounds` rounds of A B C…, in the same order every
 * round, so drift of a shared machine hits every contender alike. Returns each round's times.
 */
export async function interleave<K extends string>(timer: SessionTimer, contenders: Record<K, () => Promise<unknown>>, rounds: number): Promise<Record<K, Measure>[]> {
  const names = Object.keys(contenders) as K[];
  for (const name of names) await contenders[name]();
  const out: Record<K, Measure>[] = [];
  for (let r = 0; r < rounds; r++) {
    const round = {} as Record<K, Measure>;
    for (const name of names) round[name] = await timer.measure(contenders[name]);
    out.push(round);
  }
  return out;
}

/** Median and range of a per-round ratio. */
export function ratioOf<K extends string>(rounds: Record<K, Measure>[], ratio: (round: Record<K, Measure>) => number): { median: number; range: [number, number] } {
  const values = rounds.map(ratio);
  return { median: median(values), range: [Math.min(...values), Math.max(...values)] };
}
