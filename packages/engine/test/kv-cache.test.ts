import { Tensor } from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateGreedy } from '../src/generate.js';
import { validateGenerationOptions } from '../src/generation-options.js';
import { Seq2SeqModel } from '../src/seq2seq-model.js';
import { tinySeq2Seq } from './model-fixture.js';

const STEPS = 16;

describe('KV cache (merged decoder, use_cache_branch)', () => {
  let model: Seq2SeqModel;
  beforeAll(async () => {
    model = await Seq2SeqModel.load(await tinySeq2Seq(), { intraOpThreads: 1 });
  });

  it('gives the same logits at every step as recomputing the whole sequence without the cache (within 1e-4)', async () => {
    const prompt = model.tokenizer.encode('summarize: Maya: we ship on Friday. Omar: I will fix the login bug first.');
    const cached: Float32Array[] = [];
    const result = await generateGreedy(model, prompt, validateGenerationOptions({ maxNewTokens: STEPS }), {
      onStepLogits: (logits) => cached.push(logits.slice()),
    });
    expect(cached.length).toBe(STEPS);
    expect(result.tokenIds.length).toBe(STEPS);

    const encoder = await model.encode([prompt]);
    const decoderIds = [model.config.decoderStartTokenId];
    let worst = 0;
    for (let step = 0; step < STEPS; step++) {
      const full = await model.decode([decoderIds], encoder, null);
      const withCache = cached[step]!;
      expect(full.logits.length).toBe(withCache.length);
      for (let i = 0; i < withCache.length; i++) worst = Math.max(worst, Math.abs(full.logits[i]! - withCache[i]!));
      decoderIds.push(result.tokenIds[step]!);
    }
    console.info(`[kv-cache] largest |cached - recomputed| logit over ${STEPS} steps: ${worst.toExponential(2)}`);
    expect(worst).toBeLessThan(1e-4);
  });

  it('reads the cache it is given: corrupting the cached self-attention values changes the logits', async () => {
    const prompt = model.tokenizer.encode('summarize: a short thread about the budget');
    const encoder = await model.encode([prompt]);
    const first = await model.decode([[model.config.decoderStartTokenId]], encoder, null);
    const second = await model.decode([[7]], encoder, first.past);
    const corrupted = Object.fromEntries(
      Object.entries(first.past).map(([name, t]) => {
        if (!name.endsWith('.decoder.value')) return [name, t];
        const data = Float32Array.from(t.data as Float32Array, (v) => -v * 3);
        return [name, new Tensor('float32', data, t.dims)];
      }),
    );
    const fromCorrupted = await model.decode([[7]], encoder, corrupted);
    let diff = 0;
    for (let i = 0; i < second.logits.length; i++) diff = Math.max(diff, Math.abs(second.logits[i]! - fromCorrupted.logits[i]!));
    expect(diff).toBeGreaterThan(1e-2);
  });
});
