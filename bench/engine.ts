/**
 * npm run bench:engine — Parley's engine against @huggingface/transformers on random-weight
 * models with real dimensions (flan-t5-small, distilgpt2), generated here and cached under
 * .cache/bench-models (never committed). (a) single stream, with a raw onnxruntime loop as the
 * floor; (b) concurrent requests with staggered arrival; (c) tokens/s by batch size and the share
 * of time outside session.run. Contenders run interleaved (A B A B) and each round gives a ratio.
 */
import { env } from '@huggingface/transformers';
import { execSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { batchBound, type BoundRow } from './batch-bound.js';
import { concurrent, PROMPT_TOKENS, type ConcurrentRow } from './concurrent.js';
import { report } from './engine-report.js';
import { SessionTimer } from './session-timer.js';
import { singleStream, type SingleStreamRow } from './single-stream.js';
import { prefillSpeedup, type PrefillRow } from './prefill.js';
import { scaling, type ScalingRow } from './scaling.js';
import { ROOT, subjects, type SameOptions } from './subjects.js';

env.allowRemoteModels = false;

const num = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
const NEW_TOKENS = num('BENCH_NEW_TOKENS', 64);
const ROUNDS = num('BENCH_ROUNDS', 5);
const CONCURRENT_ROUNDS = num('BENCH_CONCURRENT_ROUNDS', 3);
const GAP_MS = num('BENCH_ARRIVAL_GAP_MS', 25);
const THREADS = num('BENCH_THREADS', availableParallelism());
const PROVIDER = process.env['BENCH_EP'] === 'cuda' ? 'cuda' : 'cpu';
const CASES = new Set((process.env['BENCH_CASES'] ?? 'a,b,c').split(','));
const CONCURRENCY = (process.env['BENCH_CONCURRENCY'] ?? '8,32').split(',').map(Number);
const OUT = process.env['BENCH_OUT'] ?? 'engine';
const MODELS = process.env['BENCH_MODELS']?.split(',');
/** Keep the rows of an earlier run for the models and cases this run does not measure. */
const MERGE = process.env['BENCH_MERGE'] === '1';

async function main(): Promise<void> {
  const timer = new SessionTimer();
  const same: SameOptions = { intraOpNumThreads: THREADS, interOpNumThreads: 1, graphOptimizationLevel: 'all', executionProviders: [PROVIDER] };
  const pkg = async (name: string) => (JSON.parse(await readFile(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
  const meta = {
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    versions: { 'onnxruntime-node': await pkg('onnxruntime-node'), '@huggingface/transformers': await pkg('@huggingface/transformers') },
    commit: execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim(),
    sessionOptions: same,
    ownDefaults: { parley: 'intraOpNumThreads = cores, interOpNumThreads 1, graphOptimizationLevel all', transformersJs: 'onnxruntime defaults (graphOptimizationLevel all)' },
    newTokens: NEW_TOKENS,
    rounds: ROUNDS,
    concurrentRounds: CONCURRENT_ROUNDS,
  };
  console.log(`machine: ${meta.machine.cpu} × ${meta.machine.cores}, node ${meta.machine.node}; commit ${meta.commit}`);
  console.log(`same session options: ${JSON.stringify(same)}`);
  console.log(`own defaults: Parley ${meta.ownDefaults.parley}; transformers.js ${meta.ownDefaults.transformersJs}`);

  const single: SingleStreamRow[] = [];
  const conc: ConcurrentRow[] = [];
  const scale: ScalingRow[] = [];
  const prefill: PrefillRow[] = [];
  const bounds: BoundRow[] = [];
  const chosen = (await subjects()).filter((s) => !MODELS || MODELS.includes(s.key));
  if (MERGE) {
    const earlier = JSON.parse(await readFile(`${ROOT}bench/results/${OUT}.json`, 'utf8')) as {
      commit: string;
      singleStream: SingleStreamRow[];
      concurrent: ConcurrentRow[];
      scaling: ScalingRow[];
      prefill: PrefillRow[];
      bounds?: BoundRow[];
    };
    const redone = (model: string, c: string) => CASES.has(c) && chosen.some((s) => s.name === model);
    single.push(...earlier.singleStream.filter((r) => !redone(r.model, 'a')));
    conc.push(...earlier.concurrent.filter((r) => !redone(r.model, 'b')));
    scale.push(...earlier.scaling.filter((r) => !redone(r.model, 'c')));
    prefill.push(...earlier.prefill.filter((r) => !redone(r.model, 'c')));
    bounds.push(...(earlier.bounds ?? []).filter((r) => !redone(r.model, 'b')));
    Object.assign(meta, { mergedWith: { commit: earlier.commit, kept: 'rows of models and cases this run did not measure' } });
  }
  for (const s of chosen) {
    if (CASES.has('a')) single.push(...(await singleStream(timer, s, same, NEW_TOKENS, ROUNDS, [32, 512])));
    if (CASES.has('b') && CONCURRENCY.includes(8)) bounds.push(await batchBound(s, same, PROMPT_TOKENS, 8, NEW_TOKENS));
    if (CASES.has('b')) for (const n of CONCURRENCY) conc.push(...(await concurrent(s, same, n, GAP_MS, NEW_TOKENS, n > 8 ? Math.max(1, CONCURRENT_ROUNDS - 1) : CONCURRENT_ROUNDS)));
    if (CASES.has('c')) {
      if (s.family === 'causal') prefill.push(...(await prefillSpeedup(timer, s, same, [32, 512], ROUNDS)));
      scale.push(...(await scaling(timer, s, same, [1, 2, 4, 8, 16, 32], NEW_TOKENS, Math.max(1, ROUNDS - 2))));
    }
  }
  const { json, markdown } = report(meta, single, conc, scale, prefill, bounds);
  console.log(`\n${markdown}`);
  await mkdir(`${ROOT}bench/results`, { recursive: true });
  await writeFile(`${ROOT}bench/results/${OUT}.json`, JSON.stringify(json, null, 2) + '\n');
  await writeFile(`${ROOT}bench/results/${OUT}.md`, markdown);
}

await main();
