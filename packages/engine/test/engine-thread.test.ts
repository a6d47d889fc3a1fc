import { Engine } from '@parley/engine';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { generateText } from '../src/generation/run-generation.js';
import { loadModel } from '../src/models/load-model.js';
import { MODEL_CACHE, loadSeq2Seq, tinySeq2Seq } from './helpers.js';

describe('Engine (generation on a worker thread)', () => {
  it('returns what the in-process loop returns, and reports the model it loaded', async () => {
    const dir = await tinySeq2Seq();
    const prompt = 'summarize: Omar: the deploy is blocked by the failing test.';
    const engine = await Engine.start(dir, { intraOpThreads: 1 });
    try {
      expect(engine.info).toMatchObject({ modelDir: dir, modelType: 't5', family: 'seq2seq', maxInputTokens: 512, isRandomTestModel: true });
      const viaThread = await engine.generate(prompt, { maxNewTokens: 10, seed: 3 });
      const direct = await generateText(await loadSeq2Seq(dir), prompt, { maxNewTokens: 10, seed: 3 });
      expect(viaThread).toEqual(direct);
    } finally {
      await engine.close();
    }
  });

  it('batches concurrent requests on its thread, each getting what it gets alone', async () => {
    const dir = await tinySeq2Seq();
    const prompts = ['summarize: Omar: the deploy is blocked.', 'summarize: Maya: ship on Friday, after the login fix lands', 'summarize: ok'];
    const options = [{ maxNewTokens: 12, seed: 3 }, { maxNewTokens: 8, doSample: true, seed: 9, topK: 10 }, { maxNewTokens: 10, repetitionPenalty: 1.5, seed: 1 }];
    const model = await loadSeq2Seq(dir);
    const alone = [];
    for (const [i, p] of prompts.entries()) alone.push(await generateText(model, p, options[i]!));
    const engine = await Engine.start(dir, { intraOpThreads: 1 });
    try {
      const together = await Promise.all(prompts.map((p, i) => engine.generate(p, options[i]!)));
      expect(together).toEqual(alone);
      const stats = await engine.batchStats();
      expect(stats.largest).toBe(3);
      expect(stats.rowSteps / stats.runs).toBeGreaterThan(1);
    } finally {
      await engine.close();
    }
  });

  it('keeps the caller’s event loop free while it generates (the same work in-process blocks it)', async () => {
    // A wider model than the default fixture, so that one forward pass takes long enough to see.
    const dir = await ensureTinySeq2Seq({
      cacheDir: MODEL_CACHE,
      shape: { dModel: 256, dFf: 2048, dKv: 64, numHeads: 4, encoderLayers: 8, decoderLayers: 1 },
    });
    const prompt = 'summarize: ' + 'the plan for the release '.repeat(80);
    const maxLagMs = async (work: () => Promise<unknown>) => {
      const lag = monitorEventLoopDelay({ resolution: 5 });
      lag.enable();
      await work();
      lag.disable();
      return lag.max / 1e6;
    };

    const model = await loadModel(dir, { intraOpThreads: 1 });
    const inProcess = await maxLagMs(() => generateText(model, prompt, { maxNewTokens: 4 }));
    await model.release();

    const engine = await Engine.start(dir, { intraOpThreads: 1 });
    try {
      const threaded = await maxLagMs(() => engine.generate(prompt, { maxNewTokens: 4 }));
      console.info(`[event loop] max lag in-process ${inProcess.toFixed(0)} ms, on the engine thread ${threaded.toFixed(0)} ms`);
      expect(inProcess).toBeGreaterThan(40);
      expect(threaded).toBeLessThan(inProcess / 2);
    } finally {
      await engine.close();
    }
  });
});

describe('Engine when its thread dies', () => {
  it('rejects pending and later requests with ENGINE_FAILURE and reports the crash once', async () => {
    const engine = await Engine.start(await tinySeq2Seq(), { intraOpThreads: 1 });
    const crashes: string[] = [];
    engine.onCrash = (reason) => crashes.push(reason);
    const pending = engine.generate('summarize: ' + 'word '.repeat(200), { maxNewTokens: 64 });
    // Kill the thread from outside, as an out-of-memory abort would.
    await (engine as unknown as { thread: { terminate(): Promise<number> } }).thread.terminate();
    await expect(pending).rejects.toMatchObject({ code: 'ENGINE_FAILURE' });
    await expect(engine.generate('summarize: again')).rejects.toMatchObject({ code: 'ENGINE_FAILURE' });
    expect(crashes).toHaveLength(1);
  });
});
