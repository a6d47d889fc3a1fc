/**
 * One model in a process of its own: `node models-child.js < request.json` (a ChildRequest on
 * stdin). A 'memory' child holds one engine, so its resident memory is that model's alone; a
 * 'timing' child holds both and interleaves their runs. Prints progress on stderr and one
 * MemoryResult or TimingResult as JSON on stdout. Parley runs through @parley/engine's public API
 * with the worker's load options (apps/worker/src/main.ts); the peer is @huggingface/transformers on
 * the same folder.
 */
import { AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer, env, pipeline } from '@huggingface/transformers';
import { Engine, type GenerationOptions } from '@parley/engine';
import { availableParallelism, loadavg } from 'node:os';
import { PEER_MODE, sameWorkMode, WORKER_MODE, type Call, type ModelSubject, type Plan } from './models-plan.js';
import { median } from './stats.js';

env.allowRemoteModels = false;

export type EngineName = 'parley' | 'peer';

/**
 * 'memory': one engine alone in this process: RSS after loading, and after one unit run the way that
 * engine is reported (Parley as the worker does it). 'timing': both engines loaded side by side, their
 * runs interleaved round by round (A B, then B A), so load from other processes falls on both alike.
 */
export interface ChildRequest {
  kind: 'memory' | 'timing';
  /** The engine of a 'memory' child; a 'timing' child loads both. */
  engine?: EngineName;
  dir: string;
  family: ModelSubject['family'];
  plan: Plan;
  rounds: number;
}

/** One way of running the unit, timed once per round. */
export interface ModeResult {
  engine: EngineName;
  mode: string;
  seconds: number[];
  /** Prompt tokens the engine's own tokenizer counted, and tokens generated (or entities found), over one unit. */
  promptTokens: number;
  newTokens: number;
  entities?: number;
}

export interface MemoryResult {
  kind: 'memory';
  engine: EngineName;
  loadSeconds: number;
  /** Process RSS in bytes: after imports, after loading, after the unit run; and the peak. */
  rss: { baseline: number; afterLoad: number; afterRun: number; peak: number };
  run: ModeResult;
  loadAverage: { start: number[]; end: number[] };
}

export interface TimingResult {
  kind: 'timing';
  modes: ModeResult[];
  /** Per round: the peer's seconds ÷ Parley's on the same work (SAME_WORK). */
  ratios: number[];
  /** Why the peer has no rows, if it has none. */
  peerError?: string;
  loadAverage: { start: number[]; end: number[] };
}

/** What a unit needs of an engine. */
interface Runner {
  count(text: string): Promise<number>;
  /** Generates exactly `newTokens` (the random models never end early); returns how many it made. */
  generate(prompt: string, newTokens: number, options: Partial<GenerationOptions>): Promise<number>;
  /** Entities found in `text`. */
  classify(text: string): Promise<number>;
}

interface Mode {
  name: string;
  /** Run each stage's calls together where the worker does (else everything one after another). */
  concurrent: boolean;
  options: Partial<GenerationOptions>;
}

const log = (line: string) => process.stderr.write(`  ${line}\n`);

/** The worker's load options: default threads, and its default batch limits. */
async function parleyRunner(dir: string): Promise<{ runner: Runner; close: () => Promise<void> }> {
  const engine = await Engine.start(dir, { executionProvider: 'cpu', batch: { maxRows: 32, kvBudgetBytes: 1024 * 1024 * 1024 } });
  return {
    runner: {
      count: (text) => engine.countTokens(text),
      generate: async (prompt, newTokens, options) => (await engine.generate(prompt, { maxNewTokens: newTokens, ...options })).tokenIds.length,
      classify: async (text) => (await engine.extractEntities(text, { aggregation: 'simple' })).length,
    },
    close: () => engine.close(),
  };
}

/** transformers.js with the session options bench/engine.ts gives both engines ("same"). */
async function peerRunner(dir: string, family: ModelSubject['family']): Promise<{ runner: Runner; close: () => Promise<void> }> {
  const session_options = { intraOpNumThreads: availableParallelism(), interOpNumThreads: 1, graphOptimizationLevel: 'all' as const, executionProviders: ['cpu'] };
  const load = { dtype: 'fp32' as const, device: 'cpu' as const, session_options };
  if (family === 'token-classification') {
    const classifier = await pipeline('token-classification', dir, load);
    return {
      runner: {
        count: (text) => Promise.resolve(classifier.tokenizer(text).input_ids.dims[1]!),
        generate: () => Promise.reject(new Error('a token classifier does not generate')),
        classify: async (text) => {
          const found = await classifier(text, { aggregation_strategy: 'simple' });
          return Array.isArray(found) ? found.length : 0;
        },
      },
      close: async () => {
        await classifier.dispose();
      },
    };
  }
  const tokenizer = await AutoTokenizer.from_pretrained(dir);
  const model = family === 'seq2seq' ? await AutoModelForSeq2SeqLM.from_pretrained(dir, load) : await AutoModelForCausalLM.from_pretrained(dir, load);
  return {
    runner: {
      count: (text) => Promise.resolve(tokenizer(text).input_ids.dims[1]!),
      generate: async (prompt, newTokens) => {
        const inputs = tokenizer(prompt);
        const out = (await model.generate({ ...inputs, max_new_tokens: newTokens, min_new_tokens: newTokens, do_sample: false })) as { dims: number[] };
        // seq2seq output starts with the decoder start token; a causal one repeats the prompt.
        return out.dims[1]! - (family === 'seq2seq' ? 1 : inputs.input_ids.dims[1]!);
      },
      classify: () => Promise.reject(new Error('a generative model does not classify')),
    },
    close: async () => {
      await model.dispose();
    },
  };
}

/**
 * `text` cut (or repeated, then cut) to `tokens` tokens of the engine's own tokenizer: the longest
 * prefix counting at most that many, so the model sees as many tokens as the real tokenizer would make.
 */
async function fitText(runner: Runner, text: string, tokens: number): Promise<{ text: string; tokens: number }> {
  let source = text;
  while ((await runner.count(source)) < tokens) source += ` ${text}`;
  let lo = 1;
  let hi = source.length;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((await runner.count(source.slice(0, mid))) <= tokens) lo = mid;
    else hi = mid - 1;
  }
  const fitted = source.slice(0, lo);
  return { text: fitted, tokens: await runner.count(fitted) };
}

function modesFor(engine: EngineName, task: Plan['task']): Mode[] {
  if (engine === 'peer') return [{ name: PEER_MODE, concurrent: false, options: {} }];
  if (task === 'summarize') {
    return [
      { name: WORKER_MODE, concurrent: true, options: {} },
      { name: 'one at a time', concurrent: false, options: {} },
    ];
  }
  if (task === 'translate') {
    // The worker leaves num_beams to the model's generation_config (4 for opus-mt); transformers.js runs greedy whatever it says.
    return [
      { name: WORKER_MODE, concurrent: false, options: {} },
      { name: 'greedy', concurrent: false, options: { numBeams: 1 } },
    ];
  }
  return [{ name: WORKER_MODE, concurrent: false, options: {} }];
}

type Stages = { concurrent: boolean; calls: (Call & { fitted: string })[] }[];

/** An engine ready to run the unit: every prompt cut to its real token count, and warmed up. */
interface Loaded {
  engine: EngineName;
  runner: Runner;
  close: () => Promise<void>;
  stages: Stages;
  promptTokens: number;
  loadSeconds: number;
}

async function load(engine: EngineName, request: ChildRequest): Promise<Loaded> {
  const started = performance.now();
  const { runner, close } = engine === 'parley' ? await parleyRunner(request.dir) : await peerRunner(request.dir, request.family);
  const loadSeconds = (performance.now() - started) / 1000;
  const stages: Stages = [];
  let promptTokens = 0;
  for (const stage of request.plan.stages) {
    const calls = [];
    for (const c of stage.calls) {
      const fitted = await fitText(runner, c.prompt, c.tokens);
      promptTokens += fitted.tokens;
      calls.push({ ...c, fitted: fitted.text });
    }
    stages.push({ concurrent: stage.concurrent, calls });
  }
  const first = stages[0]!.calls[0]!;
  const warmUp = (await fitText(runner, first.prompt, 16)).text;
  for (const mode of modesFor(engine, request.plan.task)) {
    if (first.newTokens === 0) await runner.classify(warmUp);
    else await runner.generate(warmUp, 4, mode.options);
  }
  log(`${engine}: loaded in ${loadSeconds.toFixed(1)} s`);
  return { engine, runner, close, stages, promptTokens, loadSeconds };
}

async function timed(l: Loaded, mode: Mode, into: ModeResult): Promise<void> {
  const t0 = performance.now();
  const { newTokens, entities } = await runUnit(l.runner, l.stages, mode);
  into.seconds.push((performance.now() - t0) / 1000);
  into.newTokens = newTokens;
  if (l.stages[0]!.calls[0]!.newTokens === 0) into.entities = entities;
  log(`${l.engine} · ${mode.name}: ${into.seconds.at(-1)!.toFixed(1)} s (${l.promptTokens} prompt tokens, ${newTokens} new; load ${loadavg()[0]!.toFixed(1)})`);
}

const emptyResult = (l: Loaded, mode: Mode): ModeResult => ({ engine: l.engine, mode: mode.name, seconds: [], promptTokens: l.promptTokens, newTokens: 0 });

async function memory(request: ChildRequest): Promise<MemoryResult> {
  const start = loadavg();
  const baseline = process.memoryUsage().rss;
  const engine = request.engine!;
  const l = await load(engine, request);
  const afterLoad = process.memoryUsage().rss;
  const mode = modesFor(engine, request.plan.task)[0]!;
  const run = emptyResult(l, mode);
  await timed(l, mode, run);
  const afterRun = process.memoryUsage().rss;
  const peak = process.resourceUsage().maxRSS * 1024;
  await l.close();
  return { kind: 'memory', engine, loadSeconds: l.loadSeconds, rss: { baseline, afterLoad, afterRun, peak }, run, loadAverage: { start, end: loadavg() } };
}

async function timing(request: ChildRequest): Promise<TimingResult> {
  const start = loadavg();
  const loaded = [await load('parley', request)];
  let peerError: string | undefined;
  try {
    loaded.push(await load('peer', request));
  } catch (err) {
    peerError = (err as Error).message;
    log(`peer: could not load: ${peerError}`);
  }
  const plans = loaded.map((l) => ({ l, modes: modesFor(l.engine, request.plan.task).map((mode) => ({ mode, result: emptyResult(l, mode) })) }));
  for (let round = 0; round < request.rounds; round++) {
    for (const { l, modes } of round % 2 === 0 ? plans : [...plans].reverse()) {
      for (const { mode, result } of modes) await timed(l, mode, result);
    }
  }
  const modes = plans.flatMap((p) => p.modes.map((m) => m.result));
  const same = modes.find((m) => m.engine === 'parley' && m.mode === sameWorkMode(request.plan.task))!;
  const peer = modes.find((m) => m.engine === 'peer');
  const ratios = peer ? peer.seconds.map((sec, i) => sec / same.seconds[i]!) : [];
  if (peer) log(`transformers.js ÷ Parley (same work): ${median(ratios).toFixed(2)}×`);
  for (const l of loaded) await l.close();
  return { kind: 'timing', modes, ratios, ...(peerError && { peerError }), loadAverage: { start, end: loadavg() } };
}

async function runUnit(runner: Runner, stages: { concurrent: boolean; calls: (Call & { fitted: string })[] }[], mode: Mode) {
  let newTokens = 0;
  let entities = 0;
  const one = async (c: Call & { fitted: string }) => {
    // Awaited before adding: concurrent calls must not each add to the total they read before waiting.
    if (c.newTokens === 0) {
      const found = await runner.classify(c.fitted);
      entities += found;
    } else {
      const made = await runner.generate(c.fitted, c.newTokens, mode.options);
      newTokens += made;
    }
  };
  for (const stage of stages) {
    if (stage.concurrent && mode.concurrent) await Promise.all(stage.calls.map((c) => one(c)));
    else for (const c of stage.calls) await one(c);
  }
  return { newTokens, entities };
}

async function main(): Promise<void> {
  let input = '';
  for await (const chunk of process.stdin) input += String(chunk);
  const request = JSON.parse(input) as ChildRequest;
  const result = request.kind === 'memory' ? await memory(request) : await timing(request);
  // transformers.js may leave handles open: exit once the result is out.
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}

await main();
