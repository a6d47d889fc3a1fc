import { Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { generate } from '../src/generation/generate.js';
import type { Seq2SeqModel } from '../src/models/seq2seq-model.js';
import { int64Rows } from '../src/models/tensors.js';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { configFor, loadSeq2Seq, MODEL_CACHE } from './helpers.js';

const STEPS = 16;

describe('KV cache (merged decoder, use_cache_branch)', () => {
  let model: Seq2SeqModel;
  beforeAll(async () => {
    model = await loadSeq2Seq();
  });

  it('gives the same logits at every step as recomputing the whole sequence without the cache (within 1e-4)', async () => {
    const prompt = model.tokenizer.encode('summarize: Maya: we ship on Friday. Omar: I will fix the login bug first.');
    const cached: Float32Array[] = [];
    const [result] = await generate(model, [
      { prompt, config: configFor(model, { maxNewTokens: STEPS }), onStepLogits: (logits) => cached.push(logits.slice()) },
    ]);
    expect(cached.length).toBe(STEPS);
    expect(result!.tokenIds.length).toBe(STEPS);

    const encoder = await model.encode([prompt]);
    const decoderIds = [model.config.generation.decoderStartTokenId];
    let worst = 0;
    for (let step = 0; step < STEPS; step++) {
      const full = await model.decode(encoder, int64Rows([decoderIds]), null);
      const withCache = cached[step]!;
      expect(full.logits.length).toBe(withCache.length);
      for (let i = 0; i < withCache.length; i++) worst = Math.max(worst, Math.abs(full.logits[i]! - withCache[i]!));
      decoderIds.push(result!.tokenIds[step]!);
    }
    console.info(`[kv-cache] largest |cached - recomputed| logit over ${STEPS} steps: ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
  });

  it('reads the cache it is given: corrupting the cached self-attention values changes the logits', async () => {
    const prompt = model.tokenizer.encode('summarize: a short thread about the budget');
    const encoder = await model.encode([prompt]);
    const first = await model.decode(encoder, int64Rows([[model.config.generation.decoderStartTokenId]]), null);
    const second = await model.decode(encoder, int64Rows([[7]]), first.state.past);
    const corrupted = Object.fromEntries(
      Object.entries(first.state.past).map(([name, t]) => {
        if (!name.endsWith('.decoder.value')) return [name, t];
        const data = Float32Array.from(t.data as Float32Array, (v: number) => -v * 3);
        return [name, new Tensor('float32', data, t.dims)];
      }),
    );
    const fromCorrupted = await model.decode(encoder, int64Rows([[7]]), corrupted);
    let diff = 0;
    for (let i = 0; i < second.logits.length; i++) diff = Math.max(diff, Math.abs(second.logits[i]! - fromCorrupted.logits[i]!));
    expect(diff).toBeGreaterThan(1e-2);
  });
});

describe('KV cache (unmerged decoder pair: decoder_model + decoder_with_past_model)', () => {
  it('gives the same step logits and tokens as the merged decoder with the same weights', async () => {
    const merged = await loadSeq2Seq();
    const unmerged = await loadSeq2Seq(await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE, layout: 'unmerged' }));
    const prompt = merged.tokenizer.encode('summarize: Lena wrote the notes and Omar owns the rollback plan.');
    const trace = async (model: Seq2SeqModel) => {
      const steps: Float32Array[] = [];
      const [r] = await generate(model, [{ prompt, config: configFor(model, { maxNewTokens: 12 }), onStepLogits: (l) => steps.push(l.slice()) }]);
      return { ids: r!.tokenIds, steps };
    };
    const a = await trace(merged);
    const b = await trace(unmerged);
    expect(b.ids).toEqual(a.ids);
    let worst = 0;
    a.steps.forEach((s, i) => s.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b.steps[i]![j]!)))));
    expect(worst).toBeLessThan(1e-4);
  });
});

describe('restart (a seq2seq group rebuilding its decoder cache to take joiners)', () => {
  it.each(['merged', 'unmerged'] as const)('%s decoder: the first step again from the kept cross-attention cache, then the same steps as before', async (layout) => {
    const model = await loadSeq2Seq(await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE, layout }));
    const prompts = ['summarize: Lena wrote the notes and Omar owns the rollback plan.', 'summarize: ship Friday'].map((p) => model.tokenizer.encode(p));
    const first = await model.start(prompts);
    let later = first;
    const tokens = [[5, 9, 14], [7, 7, 3]];
    for (let i = 0; i < 3; i++) later = await model.step(later.state, tokens.map((t) => t[i]!));
    const again = await model.restart(later.state);
    let worst = 0;
    first.logits.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - again.logits[j]!))));
    expect(worst).toBeLessThan(1e-5);
    // Its cross-attention cache is the one it had, not a recomputed copy.
    for (const [name, t] of Object.entries(later.state.past)) if (name.includes('.encoder.')) expect(again.state.past[name]).toBe(t);
    // And decoding on from it matches decoding on from the original first step.
    const a = await model.step(first.state, [5, 7]);
    const b = await model.step(again.state, [5, 7]);
    worst = 0;
    a.logits.forEach((v, j) => (worst = Math.max(worst, Math.abs(v - b.logits[j]!))));
    expect(worst).toBeLessThan(1e-5);
  });
});
