import { describe, expect, it } from 'vitest';
import { generate } from '../src/generation/generate.js';
import { generateText } from '../src/generation/run-generation.js';
import type { CausalLM } from '../src/models/causal-lm.js';
import type { GenerativeModel } from '../src/models/generative-model.js';
import { configFor, loadCausal, loadSeq2Seq } from './helpers.js';

const PROMPTS = [
  'The release is planned for Friday and',
  'Omar said that the login bug',
  'Lena will write the notes about the customer meeting on Monday, and after that the team',
];

function maxDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

/** Each step's logits, generating with the cache. */
async function cachedSteps(model: GenerativeModel, prompt: number[], steps: number) {
  const logits: Float32Array[] = [];
  const [r] = await generate(model, [{ prompt, config: configFor(model, { maxNewTokens: steps }), onStepLogits: (l) => logits.push(l.slice()) }]);
  return { ids: r!.tokenIds, logits };
}

/** A padded batch must give every row exactly what it gets when run alone. */
async function expectBatchMatchesAlone(model: GenerativeModel, prompts: number[][]): Promise<void> {
  const alone = await Promise.all(prompts.map((p) => cachedSteps(model, p, 10)));
  const batchLogits: Float32Array[][] = prompts.map(() => []);
  const batch = await generate(
    model,
    prompts.map((prompt, i) => ({ prompt, config: configFor(model, { maxNewTokens: 10 }), onStepLogits: (l: Float32Array) => batchLogits[i]!.push(l.slice()) })),
  );
  batch.forEach((r, i) => {
    expect(r.tokenIds).toEqual(alone[i]!.ids);
    batchLogits[i]!.forEach((l, step) => expect(maxDiff(l, alone[i]!.logits[step]!)).toBeLessThan(1e-4));
  });
}

describe.each(['gpt2', 'llama'] as const)('decoder-only %s export', (variant) => {
  it('KV cache: every step equals recomputing the whole sequence without a cache (within 1e-4)', async () => {
    const model = await loadCausal(variant);
    const prompt = model.tokenizer.encode(PROMPTS[0]!);
    const { ids, logits } = await cachedSteps(model, prompt, 12);
    let worst = 0;
    for (let step = 0; step < 12; step++) {
      const full = await model.start([[...prompt, ...ids.slice(0, step)]]);
      worst = Math.max(worst, maxDiff(full.logits, logits[step]!));
    }
    expect(worst).toBeLessThan(1e-4);
    expect(new Set(ids).size).toBeGreaterThanOrEqual(5);
  });

  it('a left-padded batch gives every row the tokens and logits it gets alone', async () => {
    const model = await loadCausal(variant);
    const prompts = PROMPTS.map((p) => model.tokenizer.encode(p));
    expect(new Set(prompts.map((p) => p.length)).size).toBeGreaterThan(1);
    await expectBatchMatchesAlone(model, prompts);
  });
});

describe('encoder–decoder batches', () => {
  it('a padded batch of prompts of different lengths gives every row the tokens and logits it gets alone', async () => {
    const model = await loadSeq2Seq();
    const prompts = ['summarize: ship on Friday', 'summarize: Omar fixes the login bug before the release on Friday', 'summarize: ok'].map((p) =>
      model.tokenizer.encode(p),
    );
    await expectBatchMatchesAlone(model, prompts);
  });

  it('rows that finish early leave the batch without changing the others', async () => {
    const model = await loadSeq2Seq();
    const prompt = model.tokenizer.encode('summarize: the deploy is blocked');
    const [short, long] = await generate(model, [
      { prompt, config: configFor(model, { maxNewTokens: 2 }) },
      { prompt, config: configFor(model, { maxNewTokens: 15 }) },
    ]);
    const alone = (await generate(model, [{ prompt, config: configFor(model, { maxNewTokens: 15 }) }]))[0]!;
    expect(short!.tokenIds).toEqual(alone.tokenIds.slice(0, 2));
    expect(long!.tokenIds).toEqual(alone.tokenIds);
  });
});

describe('decoder-only variants and limits', () => {
  it.each([
    ['fp16 (float16 cache and logits)', { dtype: 'fp16' as const }],
    ['q8 (model_quantized.onnx)', { dtype: 'q8' as const }],
    ['external data (model.onnx_data)', { externalData: true }],
  ])('%s loads, generates, and tracks the fp32 model', async (_, extra) => {
    const fp32 = await loadCausal('gpt2');
    const variant = await loadCausal('gpt2', extra);
    const prompt = fp32.tokenizer.encode(PROMPTS[1]!);
    const a = await cachedSteps(fp32, prompt, 6);
    const b = await cachedSteps(variant, prompt, 6);
    expect(b.ids).toHaveLength(6);
    // Same argmax on the first step; quantized weights may drift later.
    expect(b.ids[0]).toBe(a.ids[0]);
    if (!('dtype' in extra)) expect(b.ids).toEqual(a.ids);
  });

  it('refuses a prompt that leaves no room for max_new_tokens in the context window', async () => {
    const model: CausalLM = await loadCausal('gpt2');
    const window = model.config.maxInputTokens;
    const prompt = 'word '.repeat(window);
    await expect(generateText(model, prompt, { maxNewTokens: 10 })).rejects.toMatchObject({ code: 'PROMPT_TOO_LONG' });
    const fits = 'word '.repeat(20);
    const n = model.tokenizer.encode(fits).length;
    await expect(generateText(model, fits, { maxNewTokens: window - n + 1 })).rejects.toMatchObject({
      code: 'PROMPT_TOO_LONG',
      message: expect.stringContaining(`with max_new_tokens=${window - n + 1}`),
    });
  });
});

describe('legacy decoder-only exports (Optimum --legacy)', () => {
  it.each(['legacy-merged', 'legacy-unmerged'] as const)('%s gives the same tokens and step logits as model.onnx', async (layout) => {
    for (const variant of ['gpt2', 'llama'] as const) {
      const modern = await loadCausal(variant);
      const legacy = await loadCausal(variant, { layout });
      const prompt = modern.tokenizer.encode(PROMPTS[2]!);
      const a = await cachedSteps(modern, prompt, 8);
      const b = await cachedSteps(legacy, prompt, 8);
      expect(b.ids).toEqual(a.ids);
      a.logits.forEach((l, i) => expect(maxDiff(l, b.logits[i]!)).toBeLessThan(1e-4));
    }
  });
});
