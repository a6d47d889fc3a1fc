import { beforeAll, describe, expect, it } from 'vitest';
import { beamSearch } from '../src/generation/beam-search.js';
import { generate } from '../src/generation/generate.js';
import type { GenerationResult } from '../src/generation/row-request.js';
import type { GenerationOptions } from '../src/generation-options.js';
import type { Seq2SeqModel } from '../src/models/seq2seq-model.js';
import { configFor, copyWithGenerationConfig, loadSeq2Seq } from './helpers.js';
import { int64Rows } from '../src/models/tensors.js';

/**
 * Every generation control changes the output in the way it says, on a real (tiny) model.
 * transformers.js declares top_p and never applies it; each knob here has a test that fails if
 * the knob is ignored.
 */
describe('generation controls on the tiny seq2seq model', () => {
  let model: Seq2SeqModel;
  const prompts = [
    'summarize: Maya: we ship on Friday. Omar: I will fix the login bug first.',
    'summarize: the budget review moved to Monday and Lena owns the customer email',
    'summarize: deploy blocked by a failing test, Omar is on it',
  ];
  const run = async (options: Partial<GenerationOptions>, prompt = prompts[0]!): Promise<GenerationResult> => {
    const [r] = await generate(model, [{ prompt: model.tokenizer.encode(prompt), config: configFor(model, options) }]);
    return r!;
  };
  const repeats = (ids: number[]) => ids.length - new Set(ids).size;

  beforeAll(async () => {
    model = await loadSeq2Seq();
  });

  it('max_new_tokens bounds the length', async () => {
    expect((await run({ maxNewTokens: 3 })).tokenIds).toHaveLength(3);
    expect((await run({ maxNewTokens: 17 })).tokenIds).toHaveLength(17);
  });

  it('do_sample switches from argmax to random draws, reproducible by seed', async () => {
    const greedy = await run({ maxNewTokens: 24 });
    const sampled = await run({ maxNewTokens: 24, doSample: true, topK: 0, seed: 11 });
    expect(sampled.tokenIds).not.toEqual(greedy.tokenIds);
    expect((await run({ maxNewTokens: 24, doSample: true, topK: 0, seed: 11 })).tokenIds).toEqual(sampled.tokenIds);
    expect((await run({ maxNewTokens: 24, doSample: true, topK: 0, seed: 12 })).tokenIds).not.toEqual(sampled.tokenIds);
  });

  it('temperature: near 0 sampling is greedy; higher temperature picks less likely tokens', async () => {
    const greedy = await run({ maxNewTokens: 24 });
    expect((await run({ maxNewTokens: 24, doSample: true, topK: 0, temperature: 0.01, seed: 5 })).tokenIds).toEqual(greedy.tokenIds);
    /** Mean log-probability, under the untempered model, of the tokens a run chose. */
    const meanLogProb = async (temperature: number) => {
      let sum = 0;
      let n = 0;
      for (const [i, prompt] of prompts.entries()) {
        const steps: Float32Array[] = [];
        const [r] = await generate(model, [
          { prompt: model.tokenizer.encode(prompt), config: configFor(model, { maxNewTokens: 30, doSample: true, topK: 0, temperature, seed: 100 + i }), onStepLogits: (l) => steps.push(l.slice()) },
        ]);
        r!.tokenIds.forEach((id, step) => {
          const l = steps[step]!;
          const max = Math.max(...l);
          sum += l[id]! - max - Math.log(l.reduce((a, v) => a + Math.exp(v - max), 0));
          n++;
        });
      }
      return sum / n;
    };
    expect(await meanLogProb(3)).toBeLessThan((await meanLogProb(0.5)) - 0.5);
  });

  it('top_k: 1 makes any sampling greedy; a larger k lets other tokens through', async () => {
    const greedy = await run({ maxNewTokens: 24 });
    expect((await run({ maxNewTokens: 24, doSample: true, topK: 1, temperature: 3, seed: 8 })).tokenIds).toEqual(greedy.tokenIds);
    expect((await run({ maxNewTokens: 24, doSample: true, topK: 40, temperature: 3, seed: 8 })).tokenIds).not.toEqual(greedy.tokenIds);
  });

  it('top_p: a tiny nucleus makes sampling greedy; the full one does not', async () => {
    const greedy = await run({ maxNewTokens: 24 });
    expect((await run({ maxNewTokens: 24, doSample: true, topK: 0, topP: 0.001, temperature: 3, seed: 9 })).tokenIds).toEqual(greedy.tokenIds);
    expect((await run({ maxNewTokens: 24, doSample: true, topK: 0, topP: 1, temperature: 3, seed: 9 })).tokenIds).not.toEqual(greedy.tokenIds);
  });

  it('repetition_penalty above 1 repeats fewer tokens than greedy', async () => {
    for (const prompt of prompts) {
      const greedy = await run({ maxNewTokens: 30 }, prompt);
      const penalized = await run({ maxNewTokens: 30, repetitionPenalty: 3 }, prompt);
      expect(repeats(penalized.tokenIds)).toBeLessThan(repeats(greedy.tokenIds));
    }
  });

  it('no_repeat_ngram_size never repeats an n-gram of that size (greedy does)', async () => {
    const greedy = await run({ maxNewTokens: 60 });
    expect(repeats(greedy.tokenIds)).toBeGreaterThan(0);
    for (const n of [1, 2]) {
      const grams = (ids: number[]) => ids.slice(n - 1).map((_, i) => ids.slice(i, i + n).join(','));
      const blocked = await run({ maxNewTokens: 60, noRepeatNgramSize: n });
      // The decoder start token counts as context, as in Hugging Face.
      const all = [model.config.generation.decoderStartTokenId, ...blocked.tokenIds];
      expect(new Set(grams(all)).size).toBe(grams(all).length);
      expect(blocked.tokenIds).not.toEqual(greedy.tokenIds);
    }
  });

  it('min_new_tokens refuses EOS until that many tokens exist', async () => {
    const free = await run({ maxNewTokens: 10 });
    const eos = free.tokenIds[1]!;
    const withEos = await loadSeq2Seq(await copyWithGenerationConfig({ eos_token_id: [eos] }));
    const runEos = async (options: Partial<GenerationOptions>) =>
      (await generate(withEos, [{ prompt: withEos.tokenizer.encode(prompts[0]!), config: configFor(withEos, options) }]))[0]!;
    const early = await runEos({ maxNewTokens: 10 });
    expect(early.finishReason).toBe('eos');
    expect(early.tokenIds).toEqual(free.tokenIds.slice(0, 1));
    const late = await runEos({ maxNewTokens: 10, minNewTokens: 6 });
    expect(late.tokenIds.length).toBeGreaterThanOrEqual(6);
    expect(late.tokenIds.slice(0, 6)).not.toContain(eos);
  });

  it('stop strings end the text right before the first stop, with finishReason "stop"', async () => {
    const free = await run({ maxNewTokens: 30 });
    const stop = free.text.slice(8, 12);
    const at = free.text.indexOf(stop);
    const stopped = await run({ maxNewTokens: 30, stop: [stop] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(free.text.slice(0, at));
    expect(stopped.tokenIds.length).toBeLessThan(free.tokenIds.length);
  });

  it('seed: a sampled row gives the same tokens alone and inside a batch of other requests', async () => {
    const alone = await run({ maxNewTokens: 20, doSample: true, topK: 0, seed: 77 });
    const batch = await generate(model, [
      { prompt: model.tokenizer.encode(prompts[1]!), config: configFor(model, { maxNewTokens: 7, doSample: true, seed: 1 }) },
      { prompt: model.tokenizer.encode(prompts[0]!), config: configFor(model, { maxNewTokens: 20, doSample: true, topK: 0, seed: 77 }) },
      { prompt: model.tokenizer.encode(prompts[2]!), config: configFor(model, { maxNewTokens: 25 }) },
    ]);
    expect(batch[1]!.tokenIds).toEqual(alone.tokenIds);
    expect(batch[2]!.tokenIds).toEqual((await run({ maxNewTokens: 25 }, prompts[2])).tokenIds);
    expect(batch[0]!.tokenIds).toHaveLength(7);
  });

  it('num_beams finds a sequence at least as likely as greedy, and a different one for some prompt', async () => {
    const logProb = async (prompt: string, ids: number[]) => {
      const encoded = await model.encode([model.tokenizer.encode(prompt)]);
      const seq = [model.config.generation.decoderStartTokenId];
      let total = 0;
      for (const id of ids) {
        const { logits } = await model.decode(encoded, int64Rows([seq]), null);
        const max = Math.max(...logits);
        const lse = max + Math.log(logits.reduce((s, v) => s + Math.exp(v - max), 0));
        total += logits[id]! - lse;
        seq.push(id);
      }
      return total;
    };
    let differs = false;
    for (const prompt of prompts) {
      const greedy = await run({ maxNewTokens: 8 }, prompt);
      const beams = await beamSearch(model, { prompt: model.tokenizer.encode(prompt), config: configFor(model, { maxNewTokens: 8, numBeams: 4 }) });
      expect(beams.tokenIds).toHaveLength(8);
      expect(await logProb(prompt, beams.tokenIds)).toBeGreaterThanOrEqual((await logProb(prompt, greedy.tokenIds)) - 1e-4);
      differs ||= beams.tokenIds.join() !== greedy.tokenIds.join();
    }
    expect(differs).toBe(true);
  });
});
