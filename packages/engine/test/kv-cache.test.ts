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
    expect(worst).toBeLessThan(1e-4);
  });

  it('actually uses the cached branch: feeding no past at a later step changes the logits', async () => {
    const prompt = model.tokenizer.encode('summarize: a short thread about the budget');
    const encoder = await model.encode([prompt]);
    const first = await model.decode([[model.config.decoderStartTokenId]], encoder, null);
    const next = 7;
    const cachedStep = await model.decode([[next]], encoder, first.past);
    const uncachedSingle = await model.decode([[next]], encoder, null);
    let diff = 0;
    for (let i = 0; i < cachedStep.logits.length; i++) diff = Math.max(diff, Math.abs(cachedStep.logits[i]! - uncachedSingle.logits[i]!));
    expect(diff).toBeGreaterThan(1e-3);
  });
});
