import { AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer } from '@huggingface/transformers';
import type { GenerationOptions } from '@parley/engine';
import { Batcher, DEFAULT_BATCH_LIMITS, asGenerative, generateText, loadModel } from '@parley/engine/internals';
import { median, percentile } from './stats.js';
import { promptOf, sessionDevice, type SameOptions, type Subject } from './subjects.js';

export interface ConcurrentRow {
  model: string;
  requests: number;
  arrivalGapMs: number;
  contender: 'parley batcher' | 'transformers.js one at a time' | 'transformers.js static batch';
  tokPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** Contender's tok/s over transformers.js one at a time, median of per-round ratios. */
  ratio: number;
  ratioRange: [number, number];
  /** Parley only: mean rows per decoder run. */
  meanBatch?: number;
}

export const PROMPT_TOKENS = [32, 512, 128, 64];

interface Request {
  text: string;
  options: Partial<GenerationOptions>;
  peer: Record<string, unknown>;
}

/** Mixed prompt lengths; every other request samples, each with its own temperature, top-k and seed. */
function requests(n: number, count: (t: string) => number, prefix: string, newTokens: number): Request[] {
  return Array.from({ length: n }, (_, i) => {
    const sampled = i % 2 === 1;
    const temperature = [0.7, 0.9, 1.1][i % 3]!;
    const topK = [20, 40, 50][i % 3]!;
    return {
      text: promptOf(PROMPT_TOKENS[i % PROMPT_TOKENS.length]!, count, prefix),
      options: { maxNewTokens: newTokens, minNewTokens: newTokens, doSample: sampled, seed: i, ...(sampled && { temperature, topK }) },
      peer: { max_new_tokens: newTokens, min_new_tokens: newTokens, do_sample: sampled, ...(sampled && { temperature, top_k: topK }) },
    };
  });
}

/** Request i arrives at i × gap ms; returns the wall time and each request's latency from its arrival. */
async function arrivals(n: number, gapMs: number, serve: (i: number) => Promise<unknown>): Promise<{ wallMs: number; latencies: number[] }> {
  const t0 = performance.now();
  const latencies: number[] = [];
  await Promise.all(
    Array.from({ length: n }, async (_, i) => {
      await new Promise((r) => setTimeout(r, i * gapMs));
      await serve(i);
      latencies[i] = performance.now() - (t0 + i * gapMs);
    }),
  );
  return { wallMs: performance.now() - t0, latencies };
}

/**
 * Case (b): `n` requests with staggered arrival. Parley's continuous batcher, transformers.js one
 * request at a time (FIFO), and transformers.js given them all as one static padded batch once
 * the last has arrived (greedy for all: it has one set of settings per batch). Interleaved rounds.
 */
export async function concurrent(s: Subject, sessionOptions: SameOptions, n: number, gapMs: number, newTokens: number, rounds: number): Promise<ConcurrentRow[]> {
  const ours = await loadModel(s.dir, { intraOpThreads: sessionOptions.intraOpNumThreads, executionProvider: sessionDevice(sessionOptions) });
  const tokenizer = await AutoTokenizer.from_pretrained(s.dir);
  if (s.family === 'causal') tokenizer.padding_side = 'left';
  const Auto = s.family === 'seq2seq' ? AutoModelForSeq2SeqLM : AutoModelForCausalLM;
  const peer = await Auto.from_pretrained(s.dir, { dtype: 'fp32', device: sessionDevice(sessionOptions), session_options: sessionOptions });
  const list = requests(n, (t) => ours.tokenizer.encode(t).length, s.family === 'seq2seq' ? 'summarize: ' : '', newTokens);

  let meanBatch = 0;
  const contenders: Record<ConcurrentRow['contender'], () => Promise<{ wallMs: number; latencies: number[] }>> = {
    'parley batcher': async () => {
      const batcher = new Batcher(asGenerative(ours), DEFAULT_BATCH_LIMITS);
      const result = await arrivals(n, gapMs, (i) => generateText(ours, list[i]!.text, list[i]!.options, {}, (r) => batcher.submit(r)));
      meanBatch = batcher.stats.rowSteps / batcher.stats.runs;
      return result;
    },
    'transformers.js one at a time': () => {
      let chain: Promise<unknown> = Promise.resolve();
      return arrivals(n, gapMs, (i) => (chain = chain.then(() => peer.generate({ ...tokenizer(list[i]!.text), ...list[i]!.peer }))));
    },
    'transformers.js static batch': () => {
      let arrived = 0;
      let release: () => void = () => {};
      const all = new Promise<void>((r) => (release = r)).then(() =>
        peer.generate({ ...tokenizer(list.map((r) => r.text), { padding: true }), max_new_tokens: newTokens, min_new_tokens: newTokens, do_sample: false }),
      );
      return arrivals(n, gapMs, () => {
        if (++arrived === n) release();
        return all;
      });
    },
  };
  const names = Object.keys(contenders) as ConcurrentRow['contender'][];
  const measured: Record<ConcurrentRow['contender'], { wallMs: number; latencies: number[]; meanBatch: number }>[] = [];
  // Warm-up: one short request through each engine, so no round pays for first-run allocations.
  await generateText(ours, list[0]!.text, { ...list[0]!.options, maxNewTokens: 4, minNewTokens: 4 });
  await peer.generate({ ...tokenizer(list[0]!.text), max_new_tokens: 4 });
  for (let r = 0; r < rounds; r++) {
    const round = {} as (typeof measured)[number];
    for (const name of names) round[name] = { ...(await contenders[name]()), meanBatch };
    measured.push(round);
  }
  await peer.dispose();
  await ours.release();

  return names.map((contender) => {
    const tps = measured.map((m) => ((n * newTokens) / m[contender].wallMs) * 1000);
    const ratios = measured.map((m) => m['transformers.js one at a time'].wallMs / m[contender].wallMs);
    const latencies = measured.flatMap((m) => m[contender].latencies);
    const row: ConcurrentRow = {
      model: s.name,
      requests: n,
      arrivalGapMs: gapMs,
      contender,
      tokPerS: median(tps),
      p50Ms: percentile(latencies, 50),
      p99Ms: percentile(latencies, 99),
      ratio: median(ratios),
      ratioRange: [Math.min(...ratios), Math.max(...ratios)],
      ...(contender === 'parley batcher' && { meanBatch: median(measured.map((m) => m[contender].meanBatch)) }),
    };
    console.log(
      `(b) ${s.name} · ${n} requests, ${gapMs} ms apart · ${contender}: ${row.tokPerS.toFixed(1)} tok/s, p50 ${row.p50Ms.toFixed(0)} ms, p99 ${row.p99Ms.toFixed(0)} ms, ×${row.ratio.toFixed(2)} vs one at a time` +
        (row.meanBatch ? ` (mean batch ${row.meanBatch.toFixed(1)})` : ''),
    );
    return row;
  });
}
