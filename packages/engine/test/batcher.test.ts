import { describe, expect, it, vi } from 'vitest';
import { Batcher, type StepReport } from '../src/generation/batcher.js';
import { generate } from '../src/generation/generate.js';
import type { GenerationResult, RowRequest } from '../src/generation/row-request.js';
import type { GenerationOptions } from '../src/generation-options.js';
import type { GenerativeModel } from '../src/models/generative-model.js';
import { configFor, loadCausal, loadSeq2Seq } from './helpers.js';

const PROMPTS = [
  'The release is planned for Friday and',
  'Omar said that the login bug',
  'Lena will write the notes about the customer meeting on Monday, and after that the team',
  'ok',
  'Budget review: the numbers for the third quarter look better than expected because',
];

/** Mixed settings: greedy and sampled rows, penalties, n-gram bans, different lengths. */
const SETTINGS: Partial<GenerationOptions>[] = [
  { maxNewTokens: 14 },
  { maxNewTokens: 9, doSample: true, seed: 7, temperature: 0.8, topK: 20 },
  { maxNewTokens: 18, doSample: true, seed: 11, topP: 0.9, topK: 0, repetitionPenalty: 1.3 },
  { maxNewTokens: 6, noRepeatNgramSize: 2 },
  { maxNewTokens: 12, doSample: true, seed: 3, temperature: 1.4, topK: 5, minNewTokens: 12 },
];

function requestsFor(model: GenerativeModel, prompts: string[]): RowRequest[] {
  return prompts.map((p, i) => ({ prompt: model.tokenizer.encode(p), config: configFor(model, SETTINGS[i % SETTINGS.length]) }));
}

async function alone(model: GenerativeModel, requests: RowRequest[]): Promise<GenerationResult[]> {
  const results: GenerationResult[] = [];
  for (const r of requests) results.push((await generate(model, [r]))[0]!);
  return results;
}

/**
 * Submits request i once `joinAt[i]` steps have run (0: before the first), so rows join a batch
 * that is already decoding; returns each result and the step reports.
 */
async function staggered<S>(model: GenerativeModel<S>, requests: RowRequest[], joinAt: number[], limits?: ConstructorParameters<typeof Batcher>[1]) {
  const batcher = new Batcher(model, limits);
  const reports: StepReport[] = [];
  const results: Promise<GenerationResult>[] = [];
  const submitDue = (steps: number) =>
    joinAt.forEach((at, i) => {
      if (at === steps) results[i] = batcher.submit(requests[i]!);
    });
  batcher.onStep = (report) => {
    reports.push(report);
    submitDue(reports.length);
  };
  submitDue(0);
  // Results are created as the steps run; wait until every request has been submitted.
  while (results.filter(Boolean).length < requests.length) await new Promise((r) => setTimeout(r, 5));
  return { results: await Promise.all(results), reports };
}

/**
 * A row that keeps the batcher busy for 500 steps of at least `msPerStep` each, however fast the
 * machine, until `stop` aborts it: what arrives meanwhile arrives while it decodes.
 */
function busyRow(model: GenerativeModel, stop: AbortController, msPerStep: number): RowRequest {
  return {
    prompt: model.tokenizer.encode(PROMPTS[4]!),
    config: configFor(model, { maxNewTokens: 500, minNewTokens: 500 }),
    signal: stop.signal,
    onStepLogits: () => {
      const until = performance.now() + msPerStep;
      while (performance.now() < until);
    },
  };
}

function expectSame(batched: GenerationResult[], solo: GenerationResult[]): void {
  batched.forEach((r, i) => {
    expect({ row: i, ids: r.tokenIds, text: r.text, finish: r.finishReason }).toEqual({ row: i, ids: solo[i]!.tokenIds, text: solo[i]!.text, finish: solo[i]!.finishReason });
  });
}

describe.each([
  ['decoder-only gpt2', () => loadCausal('gpt2')],
  ['decoder-only llama (grouped-query heads, num_logits_to_keep)', () => loadCausal('llama')],
  ['encoder–decoder', () => loadSeq2Seq()],
] as const)('continuous batching, %s', (_, load) => {
  it('rows joining and leaving mid-generation, with mixed settings, get exactly what they get alone', async () => {
    const model = (await load()) as GenerativeModel;
    const requests = requestsFor(model, PROMPTS);
    const solo = await alone(model, requests);
    // Rows 0 and 1 start together; 2 joins after 3 steps, 3 and 4 after 5 (while 1 may have left).
    const { results, reports } = await staggered(model, requests, [0, 0, 3, 5, 5]);
    expectSame(results, solo);
    expect(new Set(solo.map((r) => r.tokenIds.length)).size).toBeGreaterThan(2);
    // Joins happened while other rows were decoding, and some rows ran together in one session run.
    const joinedMidway = reports.filter((r) => r.joined > 0 && r.rows.reduce((a, b) => a + b, 0) > r.joined);
    expect(joinedMidway.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...reports.flatMap((r) => r.rows))).toBeGreaterThanOrEqual(2);
  });

  it('a stop string ends its row only; the rows around it are unchanged', async () => {
    const model = (await load()) as GenerativeModel;
    const base = requestsFor(model, PROMPTS.slice(0, 3));
    const [first] = await alone(model, [base[0]!]);
    const stop = first!.text.trim().slice(3, 6);
    expect(stop.length).toBe(3);
    const requests = [{ ...base[0]!, config: configFor(model, { maxNewTokens: 14, stop: [stop] }) }, base[1]!, base[2]!];
    const solo = await alone(model, requests);
    expect(solo[0]!.finishReason).toBe('stop');
    const { results } = await staggered(model, requests, [1, 0, 2]);
    expectSame(results, solo);
  });

  it('keeps the cache within the byte budget by holding newcomers back, and still gives every row its own result', async () => {
    const model = (await load()) as GenerativeModel;
    const requests = requestsFor(model, PROMPTS).map((r) => ({ ...r, config: configFor(model, { maxNewTokens: 8 }) }));
    const one = model.batchBytes([{ promptTokens: Math.max(...requests.map((r) => r.prompt.length)), maxNewTokens: 8 }]);
    const budget = 2 * one;
    const solo = await alone(model, requests);
    const { results, reports } = await staggered(model, requests, [0, 0, 0, 0, 0], { maxRows: 32, kvBudgetBytes: budget, maxPrefillTokens: Infinity, gatherMs: 0 });
    expectSame(results, solo);
    const rows = reports.map((r) => r.rows.reduce((a, b) => a + b, 0));
    // The budget is twice the largest row's worst case: at least two rows fit, never all five.
    expect(Math.max(...rows)).toBeGreaterThanOrEqual(2);
    expect(Math.max(...rows)).toBeLessThan(5);
    for (const r of reports) expect(r.cacheBytes).toBeLessThanOrEqual(budget);
    // Without the budget all five would have started at once.
    const free = await staggered(model, requests, [0, 0, 0, 0, 0]);
    expect(Math.max(...free.reports.map((r) => r.rows.reduce((a, b) => a + b, 0)))).toBe(5);
  });
});

describe('cancellation', () => {
  it('a request aborted while it waits is answered without running; an aborted running row leaves, the others go on', async () => {
    const model = await loadCausal('gpt2');
    const [a, b, c] = requestsFor(model, PROMPTS.slice(0, 3));
    const solo = await alone(model, [a!]);
    const batcher = new Batcher(model, { maxRows: 1, kvBudgetBytes: Infinity, maxPrefillTokens: Infinity, gatherMs: 0 });
    const prefills = vi.spyOn(model, 'start');
    const waiting = new AbortController();
    const running = new AbortController();
    const first = batcher.submit(a!);
    const second = batcher.submit({ ...b!, signal: waiting.signal });
    waiting.abort();
    expect(await first).toEqual(solo[0]);
    expect(await second).toMatchObject({ finishReason: 'aborted', tokenIds: [] });
    expect(prefills).toHaveBeenCalledTimes(1);
    const runs = batcher.stats.runs;
    const third = batcher.submit({ ...c!, signal: running.signal });
    batcher.onStep = () => running.abort();
    const stopped = await third;
    expect(stopped.finishReason).toBe('aborted');
    expect(stopped.tokenIds.length).toBeLessThan(c!.config.maxNewTokens);
    expect(batcher.stats.runs - runs).toBeLessThanOrEqual(2);
  });
});

describe('prefill limit', () => {
  it('a burst larger than maxPrefillTokens is prefilled over several steps, each row still exact', async () => {
    const model = await loadCausal('gpt2');
    const requests = requestsFor(model, PROMPTS);
    const longest = Math.max(...requests.map((r) => r.prompt.length));
    const solo = await alone(model, requests);
    const { results, reports } = await staggered(model, requests, [0, 0, 0, 0, 0], { maxRows: 32, kvBudgetBytes: Infinity, maxPrefillTokens: 2 * longest, gatherMs: 0 });
    expectSame(results, solo);
    expect(Math.max(...reports.map((r) => r.joined))).toBeLessThan(5);
    expect(reports.filter((r) => r.joined > 0).length).toBeGreaterThanOrEqual(2);
  });
});

describe('gathering a burst (seq2seq rows merge only at equal decoder lengths)', () => {
  it('while rows decode, requests arriving a few milliseconds apart are prefilled and decoded as one batch within the gather window', async () => {
    const model = await loadSeq2Seq();
    const requests = requestsFor(model, PROMPTS.slice(0, 3)).map((r) => ({ ...r, config: configFor(model, { maxNewTokens: 6, minNewTokens: 6 }) }));
    const solo = await alone(model, requests);
    const burst = async (gatherMs: number) => {
      // The busy row takes at least 1 ms a step (≥ 500 ms in all), so the burst (three timers 10 ms
      // apart, late on a loaded machine) lands while it decodes; it is stopped once the burst is in.
      const stop = new AbortController();
      const busy = busyRow(model, stop, 1);
      const batcher = new Batcher(model, { gatherMs, maxReplaySteps: 0 });
      // An idle batcher starts at once; the burst arrives while this row decodes.
      const running = batcher.submit(busy);
      await new Promise((done) => setTimeout(done, 1));
      const results: Promise<GenerationResult>[] = [];
      for (const r of requests) {
        results.push(batcher.submit(r));
        await new Promise((done) => setTimeout(done, 10));
      }
      const answered = await Promise.all(results);
      stop.abort();
      await running;
      return { results: answered, largest: batcher.stats.largest };
    };
    const gathered = await burst(500);
    expectSame(gathered.results, solo);
    expect(gathered.largest).toBe(3);
    const eager = await burst(0);
    expectSame(eager.results, solo);
    expect(eager.largest).toBeLessThan(3);
  });
});

describe('held newcomers (seq2seq)', () => {
  it('a newcomer is prefilled at the next step, held out of the running batch for the window, then joins it', async () => {
    const model = await loadSeq2Seq();
    // The busy row takes at least 0.5 ms a step (≥ 250 ms in all, far past the window) and is
    // stopped once the test has seen the join, however fast or slow the machine is.
    const stop = new AbortController();
    const busy = busyRow(model, stop, 0.5);
    const [late] = requestsFor(model, [PROMPTS[0]!]).map((r) => ({ ...r, config: configFor(model, { maxNewTokens: 6, minNewTokens: 6 }) }));
    const [solo] = await alone(model, [late!]);
    const gatherMs = 100;
    const batcher = new Batcher(model, { gatherMs, maxReplaySteps: 1000 });
    const reports: (StepReport & { at: number })[] = [];
    batcher.onStep = (r) => {
      reports.push({ ...r, at: performance.now() });
      if (r.rows[0] === 2) stop.abort();
    };
    const running = batcher.submit(busy);
    await new Promise((done) => setTimeout(done, 5));
    const submitted = performance.now();
    const result = await batcher.submit(late!);
    expect((await running).finishReason).toBe('aborted');
    expect(result).toEqual(solo);
    const prefilled = reports.findIndex((r) => r.joined > 0);
    const together = reports.findIndex((r) => r.rows[0] === 2);
    // Prefilled at a step boundary soon after arriving, well inside the window...
    expect(reports[prefilled]!.at - submitted).toBeLessThan(gatherMs);
    // ...then held: the busy row went on alone for several steps...
    expect(together - prefilled).toBeGreaterThan(2);
    for (const r of reports.slice(prefilled, together)) expect(r.rows).toEqual([1]);
    // ...until the window closed and both ran as one group (the busy row replayed its tokens to reach the newcomer's length).
    expect(reports[together]!.at - submitted).toBeGreaterThanOrEqual(gatherMs - 20);
    expect(reports.every((r) => r.rows.length <= 1)).toBe(true);
  });
});

describe('replay (seq2seq rows at different decoder lengths)', () => {
  it('a young running group rebuilds its decoder cache and replays its tokens, so joiners share its run; every row stays exact', async () => {
    const model = await loadSeq2Seq();
    const requests = requestsFor(model, PROMPTS);
    const solo = await alone(model, requests);
    const replayed = await staggered(model, requests, [0, 0, 3, 5, 5], { maxReplaySteps: 8 });
    expectSame(replayed.results, solo);
    // After each join there is one group again: one decoder run per step.
    for (const r of replayed.reports.filter((r) => r.rows.length)) expect(r.rows.length).toBe(1);
    const separate = await staggered(model, requests, [0, 0, 3, 5, 5], { maxReplaySteps: 0 });
    expectSame(separate.results, solo);
    expect(Math.max(...separate.reports.map((r) => r.rows.length))).toBeGreaterThan(1);
  });
});

/** Largest elementwise difference between two logit rows. */
const diff = (x: Float32Array, y: Float32Array) => Math.max(...Array.from(x, (val, i) => Math.abs(val - y[i]!)));

describe('cache merging', () => {
  it('decoder-only: merging caches of different lengths (left padding) and slicing rows out keep every row exact', async () => {
    const model = await loadCausal('gpt2');
    const [a, b] = [PROMPTS[2]!, PROMPTS[3]!].map((p) => model.tokenizer.encode(p));
    const outA = await model.start([a!]);
    const outB = await model.start([b!]);
    const merged = model.merge(outA.state, outB.state);
    expect(merged.width).toBe(a!.length);
    const step = await model.step(merged, [5, 9]);
    const soloA = await model.step(outA.state, [5]);
    const soloB = await model.step(outB.state, [9]);
    const v = soloA.vocabSize;
    expect(diff(step.logits.subarray(0, v), soloA.logits)).toBeLessThan(1e-4);
    expect(diff(step.logits.subarray(v), soloB.logits)).toBeLessThan(1e-4);
    // Once the long row leaves, the padding only it needed is cut away.
    const onlyB = model.select(step.state, [1]);
    expect(onlyB.width).toBe(b!.length + 1);
    const next = await model.step(onlyB, [3]);
    const nextSolo = await model.step(soloB.state, [3]);
    expect(diff(next.logits, nextSolo.logits)).toBeLessThan(1e-4);
  });

  it('encoder–decoder: encoder states and cross-attention caches are padded and joined; unequal decoder lengths do not merge', async () => {
    const model = await loadSeq2Seq();
    const [a, b] = ['summarize: the deploy is blocked until Omar fixes the login bug', 'summarize: ok'].map((p) => model.tokenizer.encode(p));
    const outA = await model.start([a!]);
    const outB = await model.start([b!]);
    const merged = model.merge(outA.state, outB.state)!;
    expect(merged.hiddenStates.dims[1]).toBe(a!.length);
    const step = await model.step(merged, [5, 9]);
    const soloA = await model.step(outA.state, [5]);
    const soloB = await model.step(outB.state, [9]);
    const v = soloA.vocabSize;
    expect(diff(step.logits.subarray(0, v), soloA.logits)).toBeLessThan(1e-4);
    expect(diff(step.logits.subarray(v), soloB.logits)).toBeLessThan(1e-4);
    const onlyB = model.select(step.state, [1]);
    expect(onlyB.hiddenStates.dims[1]).toBe(b!.length);
    expect(diff((await model.step(onlyB, [3])).logits, (await model.step(soloB.state, [3])).logits)).toBeLessThan(1e-4);
    expect(model.merge(soloA.state, outB.state)).toBeNull();
  });
});
