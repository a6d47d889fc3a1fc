import ort from 'onnxruntime-node';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyCausalLM, type CausalLMLayout, type CausalLMVariant } from '../src/index.js';
import { argmax, emptyCache, int64, listFiles, logitsAt, maxAbsDiff, readJson, signature, tempDir, type Feeds } from './helpers.js';

const common = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];
const files = (...onnx: string[]) => [...common, ...onnx.map((f) => `onnx/${f}`)].sort();
const cache = (prefix: string, layers = 2) => Array.from({ length: layers }, (_, i) => [`${prefix}.${i}.key`, `${prefix}.${i}.value`]).flat();
const PROMPT = [5, 80, 120, 9, 44, 17];
const STEPS = 4;
const TOLERANCE = 1e-4;

type Output = ort.InferenceSession.ReturnType;

/** Runs one file on a single row: new `ids` after `past` (none: an empty cache where the file takes one). */
async function run(session: ort.InferenceSession, ids: number[], past: Feeds | null, branch?: boolean): Promise<Output> {
  const pastLength = Number(past?.['past_key_values.0.key']?.dims[2] ?? 0);
  const feeds: Feeds = {
    input_ids: int64(ids),
    attention_mask: int64(new Array<number>(pastLength + ids.length).fill(1)),
    position_ids: int64(ids.map((_, i) => pastLength + i)),
    ...(past ?? emptyCache(session, 1)),
  };
  if (session.inputNames.includes('num_logits_to_keep')) feeds['num_logits_to_keep'] = new ort.Tensor('int64', [0n], []);
  if (branch !== undefined) feeds['use_cache_branch'] = new ort.Tensor('bool', [branch], [1]);
  return session.run(feeds);
}

function presentsAsPast(out: Output): Feeds {
  const past: Feeds = {};
  for (const [name, t] of Object.entries(out)) if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = t;
  return past;
}

const lastLogits = (out: Output) => logitsAt(out['logits']!, 0, out['logits']!.dims[1]! - 1);

/** A greedy run: the logits that chose each new token, and the tokens. */
interface Trace {
  /** Logits of every prompt position, from the first call. */
  prompt: ort.Tensor;
  steps: Float32Array[];
  ids: number[];
}

/** Greedy with a KV cache: `first` runs the prompt, `next` each new token after the cache. */
async function cachedGreedy(first: (ids: number[]) => Promise<Output>, next: (id: number, past: Feeds) => Promise<Output>): Promise<Trace> {
  let out = await first(PROMPT);
  const trace: Trace = { prompt: out['logits']!, steps: [], ids: [] };
  for (let i = 0; i < STEPS; i++) {
    const logits = lastLogits(out);
    trace.steps.push(logits);
    trace.ids.push(argmax(logits));
    if (i + 1 < STEPS) out = await next(trace.ids.at(-1)!, presentsAsPast(out));
  }
  return trace;
}

/** Greedy without a cache: each step runs the whole sequence so far. */
async function fullGreedy(runAll: (ids: number[]) => Promise<Output>): Promise<Trace> {
  const trace: Trace = { prompt: (await runAll(PROMPT))['logits']!, steps: [], ids: [] };
  for (let i = 0; i < STEPS; i++) {
    const logits = lastLogits(await runAll([...PROMPT, ...trace.ids]));
    trace.steps.push(logits);
    trace.ids.push(argmax(logits));
  }
  return trace;
}

function expectSameTrace(actual: Trace, expected: Trace): void {
  expect(actual.ids).toEqual(expected.ids);
  expect(actual.prompt.dims).toEqual(expected.prompt.dims);
  expect(maxAbsDiff(actual.prompt.data as Float32Array, expected.prompt.data as Float32Array)).toBeLessThan(TOLERANCE);
  for (let i = 0; i < STEPS; i++) expect(maxAbsDiff(actual.steps[i]!, expected.steps[i]!)).toBeLessThan(TOLERANCE);
}

describe.each<CausalLMVariant>(['gpt2', 'llama'])('tiny causal LM legacy layouts, %s', (variant) => {
  let cacheDir: string;
  const dirs = {} as Record<CausalLMLayout, string>;
  const open = (layout: CausalLMLayout, file: string) => ort.InferenceSession.create(join(dirs[layout], 'onnx', file));
  let reference: Trace;

  beforeAll(async () => {
    cacheDir = await tempDir(`clm-legacy-${variant}`);
    for (const layout of ['model', 'legacy-merged', 'legacy-unmerged'] as const) dirs[layout] = await ensureTinyCausalLM({ cacheDir, variant, layout });
    const model = await open('model', 'model.onnx');
    reference = await cachedGreedy(
      (ids) => run(model, ids, null),
      (id, past) => run(model, [id], past),
    );
  });

  it("writes each layout's files, and only those; 'model' keeps the folder it had without the option", async () => {
    expect(await listFiles(dirs['model'])).toEqual(files('model.onnx'));
    expect(await listFiles(dirs['legacy-merged'])).toEqual(files('decoder_model_merged.onnx'));
    expect(await listFiles(dirs['legacy-unmerged'])).toEqual(files('decoder_model.onnx', 'decoder_with_past_model.onnx'));
    expect(await ensureTinyCausalLM({ cacheDir, variant })).toBe(dirs['model']);
    expect(new Set(Object.values(dirs)).size).toBe(3);
    const configs = await Promise.all(Object.values(dirs).map((dir) => readJson(dir, 'config.json')));
    expect(configs[1]).toEqual(configs[0]);
    expect(configs[2]).toEqual(configs[0]);
  });

  it('legacy files have the Optimum --legacy input and output names (no num_logits_to_keep)', async () => {
    const base = ['input_ids', 'attention_mask', 'position_ids'];
    const outputs = ['logits', ...cache('present')];
    const merged = await open('legacy-merged', 'decoder_model_merged.onnx');
    expect(merged.inputNames).toEqual([...base, ...cache('past_key_values'), 'use_cache_branch']);
    expect(merged.outputNames).toEqual(outputs);
    expect(signature(merged).inputs.at(-1)).toBe('use_cache_branch: bool [1]');
    const decoder = await open('legacy-unmerged', 'decoder_model.onnx');
    expect(decoder.inputNames).toEqual(base);
    expect(decoder.outputNames).toEqual(outputs);
    const withPast = await open('legacy-unmerged', 'decoder_with_past_model.onnx');
    expect(withPast.inputNames).toEqual([...base, ...cache('past_key_values')]);
    expect(withPast.outputNames).toEqual(outputs);
  });

  it("legacy-merged, no-past branch on the full sequence: the 'model' logits (within 1e-4), whatever past is fed", async () => {
    const merged = await open('legacy-merged', 'decoder_model_merged.onnx');
    expectSameTrace(await fullGreedy((ids) => run(merged, ids, null, false)), reference);
    // The no-past branch ignores the past inputs: a non-empty past changes nothing.
    const prefill = await run(merged, PROMPT, null, false);
    const ignored = presentsAsPast(prefill);
    const feeds: Feeds = { ...ignored, input_ids: int64(PROMPT), attention_mask: int64(PROMPT.map(() => 1)), position_ids: int64(PROMPT.map((_, i) => i)) };
    const out = await merged.run({ ...feeds, use_cache_branch: new ort.Tensor('bool', [false], [1]) });
    expect(maxAbsDiff(out['logits']!.data as Float32Array, prefill['logits']!.data as Float32Array)).toBe(0);
    expect(out['present.0.key']!.dims[2]).toBe(PROMPT.length);
  });

  it("legacy-merged, with-past branch step by step after a no-past prefill: the 'model' logits (within 1e-4)", async () => {
    const merged = await open('legacy-merged', 'decoder_model_merged.onnx');
    const trace = await cachedGreedy(
      (ids) => run(merged, ids, null, false),
      (id, past) => run(merged, [id], past, true),
    );
    expectSameTrace(trace, reference);
  });

  it("legacy-unmerged: decoder_model.onnx, then decoder_with_past_model.onnx step by step: the 'model' logits (within 1e-4)", async () => {
    const decoder = await open('legacy-unmerged', 'decoder_model.onnx');
    const withPast = await open('legacy-unmerged', 'decoder_with_past_model.onnx');
    const trace = await cachedGreedy(
      (ids) => run(decoder, ids, null),
      (id, past) => run(withPast, [id], past),
    );
    expectSameTrace(trace, reference);
    // Sanity: the run is not degenerate (the tokens vary).
    expect(new Set(trace.ids).size).toBeGreaterThan(1);
  });

  it('legacy layouts are fp32 only', async () => {
    await expect(ensureTinyCausalLM({ cacheDir, variant, layout: 'legacy-merged', dtype: 'fp16' })).rejects.toThrow(RangeError);
    await expect(ensureTinyCausalLM({ cacheDir, variant, layout: 'legacy-unmerged', externalData: true })).rejects.toThrow(RangeError);
  });
});
