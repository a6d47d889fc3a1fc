/**
 * npm run bench:engine — Parley's engine against @huggingface/transformers on the same random-
 * weight models with real dimensions (flan-t5-small, distilgpt2), generated here and cached under
 * .cache/bench-models (never committed). Both get the same onnxruntime session options; runs are
 * interleaved (A B A B) because the machine drifts, and each pair gives a ratio.
 */
import { AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer, env } from '@huggingface/transformers';
import { generateText, loadModel } from '@parley/engine';
import * as fixtures from '@parley/tiny-models';
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { SessionTimer } from './session-timer.js';
import { median } from './stats.js';

env.allowRemoteModels = false;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CACHE = `${ROOT}.cache/bench-models`;
const NEW_TOKENS = Number(process.env['BENCH_NEW_TOKENS'] ?? 64);
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const THREADS = Number(process.env['BENCH_THREADS'] ?? availableParallelism());
const PROMPT = 'summarize: Maya asked whether the release can ship on Friday. Omar said the login fix lands Wednesday.';

interface Subject {
  name: string;
  dir: string;
  family: 'seq2seq' | 'causal';
}

interface Row {
  model: string;
  mode: 'greedy' | 'sampled';
  options: 'same' | 'own defaults';
  parleyTokPerS: number;
  peerTokPerS: number;
  ratio: number;
  /** Lowest and highest pair ratio: how much the machine drifted. */
  ratioRange: [number, number];
  parleyOutsideRun: number;
  peerOutsideRun: number;
}

async function subjects(): Promise<Subject[]> {
  const list: Subject[] = [
    {
      name: 'flan-t5-small dims',
      family: 'seq2seq',
      dir: await fixtures.ensureTinySeq2Seq({ cacheDir: CACHE, shape: fixtures.FLAN_T5_SMALL_SHAPE, vocabSize: fixtures.FLAN_T5_SMALL_SHAPE.vocabSize }),
    },
  ];
  const lib = fixtures as unknown as Record<string, unknown>;
  if (typeof lib['ensureTinyCausalLM'] === 'function' && lib['DISTILGPT2_SHAPE']) {
    const ensure = lib['ensureTinyCausalLM'] as (o: object) => Promise<string>;
    list.push({ name: 'distilgpt2 dims', family: 'causal', dir: await ensure({ cacheDir: CACHE, variant: 'gpt2', shape: lib['DISTILGPT2_SHAPE'] }) });
  }
  return list;
}

async function main(): Promise<void> {
  const timer = new SessionTimer();
  const same = { intraOpNumThreads: THREADS, interOpNumThreads: 1, graphOptimizationLevel: 'all' as const, executionProviders: ['cpu'] };
  console.log(`machine: ${cpus()[0]?.model ?? 'unknown'} × ${availableParallelism()}, node ${process.version}`);
  console.log(`same session options: ${JSON.stringify(same)}; ${NEW_TOKENS} new tokens; ${ROUNDS} interleaved pairs`);
  const rows: Row[] = [];

  for (const s of await subjects()) {
    const tokenizer = await AutoTokenizer.from_pretrained(s.dir);
    const Auto = s.family === 'seq2seq' ? AutoModelForSeq2SeqLM : AutoModelForCausalLM;
    for (const options of ['same', 'own defaults'] as const) {
      const peer = await Auto.from_pretrained(s.dir, { dtype: 'fp32', device: 'cpu', ...(options === 'same' && { session_options: same }) });
      const ours = await loadModel(s.dir, options === 'same' ? { intraOpThreads: THREADS } : {});
      for (const mode of ['greedy', 'sampled'] as const) {
        const sampled = mode === 'sampled';
        const runOurs = () => generateText(ours, PROMPT, { maxNewTokens: NEW_TOKENS, minNewTokens: NEW_TOKENS, doSample: sampled, seed: 1 });
        const runPeer = () =>
          peer.generate({ ...tokenizer(PROMPT), max_new_tokens: NEW_TOKENS, min_new_tokens: NEW_TOKENS, do_sample: sampled });
        await runOurs();
        await runPeer();
        const pairs: { ours: Awaited<ReturnType<SessionTimer['measure']>>; peer: Awaited<ReturnType<SessionTimer['measure']>> }[] = [];
        for (let i = 0; i < ROUNDS; i++) {
          const a = await timer.measure(runOurs);
          const b = await timer.measure(runPeer);
          pairs.push({ ours: a, peer: b });
        }
        rows.push({
          model: s.name,
          mode,
          options,
          parleyTokPerS: median(pairs.map((p) => (NEW_TOKENS / p.ours.wallMs) * 1000)),
          peerTokPerS: median(pairs.map((p) => (NEW_TOKENS / p.peer.wallMs) * 1000)),
          ratio: median(pairs.map((p) => p.peer.wallMs / p.ours.wallMs)),
          ratioRange: [Math.min(...pairs.map((p) => p.peer.wallMs / p.ours.wallMs)), Math.max(...pairs.map((p) => p.peer.wallMs / p.ours.wallMs))],
          parleyOutsideRun: median(pairs.map((p) => 1 - p.ours.runMs / p.ours.wallMs)),
          peerOutsideRun: median(pairs.map((p) => 1 - p.peer.runMs / p.peer.wallMs)),
        });
        const r = rows.at(-1)!;
        console.log(`${r.model} · ${r.mode} · ${r.options}: Parley ${r.parleyTokPerS.toFixed(1)} tok/s, transformers.js ${r.peerTokPerS.toFixed(1)} tok/s, ratio ${r.ratio.toFixed(2)}×`);
      }
      await peer.dispose();
      await ours.release();
    }
  }

  const table = [
    '| model | decoding | session options | Parley tok/s | transformers.js tok/s | speed ratio (median of pairs) | pair range | time outside session.run: Parley | transformers.js |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.mode} | ${r.options} | ${r.parleyTokPerS.toFixed(1)} | ${r.peerTokPerS.toFixed(1)} | ${r.ratio.toFixed(2)}× | ${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)} | ${(r.parleyOutsideRun * 100).toFixed(1)}% | ${(r.peerOutsideRun * 100).toFixed(1)}% |`,
    ),
  ].join('\n');
  console.log(`\n${table}`);
  await mkdir(`${ROOT}bench/results`, { recursive: true });
  await writeFile(
    `${ROOT}bench/results/engine.json`,
    JSON.stringify({ machine: { cpu: cpus()[0]?.model, cores: availableParallelism(), node: process.version }, newTokens: NEW_TOKENS, rounds: ROUNDS, sessionOptions: same, rows }, null, 2),
  );
  await writeFile(`${ROOT}bench/results/engine.md`, `${table}\n`);
}

await main();
