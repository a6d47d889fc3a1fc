import { asGenerative, loadModel } from '@parley/engine/internals';
import { median } from './stats.js';
import { promptOf, sessionDevice, type SameOptions, type Subject } from './subjects.js';

/** The most case (b) could gain from batching on this machine, from Parley's own prefill and step times. */
export interface BoundRow {
  model: string;
  requests: number;
  /** Median prefill (prompt read and first token) of one prompt of each length, alone. */
  prefillMs: Record<number, number>;
  /** Median decoding step, one row. */
  stepOneMs: number;
  /** Median decoding step, all the requests in one batch (shorter prompts padded). */
  stepBatchMs: number;
  /** Every prefill, then each request's steps one after another. */
  oneAtATimeMs: number;
  /** Every prefill (compute-bound: batching doesn't shorten it), then the steps as one batch. */
  batchedMs: number;
  /** oneAtATimeMs ÷ batchedMs: the ceiling of case (b)'s ratio, had every request arrived at once. */
  bound: number;
}

interface Generative {
  start(prompts: number[][]): Promise<{ state: unknown }>;
  step(state: unknown, tokens: number[]): Promise<{ state: unknown }>;
}

/**
 * Amdahl's bound for case (b): prefill is compute-bound, so it costs the same batched or not, and
 * only the decoding steps get cheaper per token. With long prompts in the mix the bound is well
 * below the ratio of step costs, and it is what a target for case (b) has to be read against.
 */
export async function batchBound(s: Subject, same: SameOptions, promptTokens: number[], requests: number, newTokens: number): Promise<BoundRow> {
  const ours = await loadModel(s.dir, { intraOpThreads: same.intraOpNumThreads, executionProvider: sessionDevice(same) });
  const model = asGenerative(ours) as unknown as Generative;
  const tokens = (n: number) => ours.tokenizer.encode(promptOf(n, (t) => ours.tokenizer.encode(t).length, s.family === 'seq2seq' ? 'summarize: ' : ''));
  const timed = async (run: () => Promise<unknown>, times = 5) => {
    await run();
    const ms: number[] = [];
    for (let i = 0; i < times; i++) {
      const started = performance.now();
      await run();
      ms.push(performance.now() - started);
    }
    return median(ms);
  };
  const stepMs = async (prompts: number[][]) => {
    let out = await model.start(prompts);
    return timed(async () => {
      out = await model.step(out.state, prompts.map(() => 5));
    }, 32);
  };
  const prefillMs: Record<number, number> = {};
  const oneStep: number[] = [];
  for (const n of promptTokens) {
    const p = tokens(n);
    prefillMs[n] = await timed(() => model.start([p]));
    oneStep.push(await stepMs([p]));
  }
  const mix = Array.from({ length: requests }, (_, i) => promptTokens[i % promptTokens.length]!);
  const stepBatchMs = await stepMs(mix.map(tokens));
  await ours.release();
  const stepOneMs = median(oneStep);
  const prefill = mix.reduce((sum, n) => sum + prefillMs[n]!, 0);
  const oneAtATimeMs = prefill + requests * newTokens * stepOneMs;
  const batchedMs = prefill + newTokens * stepBatchMs;
  const row: BoundRow = { model: s.name, requests, prefillMs, stepOneMs, stepBatchMs, oneAtATimeMs, batchedMs, bound: oneAtATimeMs / batchedMs };
  console.log(
    `(b) bound · ${s.name} · ${requests} requests: prefill ${promptTokens.map((n) => `${n}→${prefillMs[n]!.toFixed(0)}`).join(' ')} ms, step ${stepOneMs.toFixed(2)} ms alone, ` +
      `${stepBatchMs.toFixed(2)} ms as one batch → at most ${row.bound.toFixed(2)}× over one at a time`,
  );
  return row;
}
