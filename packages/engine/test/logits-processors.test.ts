import { describe, expect, it } from 'vitest';
import type { GenerationOptions, ModelGenerationDefaults } from '../src/generation-options.js';
import { resolveGenerationConfig } from '../src/generation/generation-config.js';
import { RowProcessors } from '../src/generation/logits-processors.js';

const model = (over: Partial<ModelGenerationDefaults> = {}): ModelGenerationDefaults => ({
  eosTokenIds: [1],
  padTokenId: 0,
  decoderStartTokenId: 0,
  forcedBosTokenId: null,
  forcedEosTokenId: null,
  badWordsIds: [],
  options: {},
  ...over,
});
const processors = (context: number[], options: Partial<GenerationOptions>, over?: Partial<ModelGenerationDefaults>) =>
  new RowProcessors(resolveGenerationConfig(model(over), { seed: 1, ...options }), context);
const row = (...v: number[]) => Float32Array.from(v);

describe('logits processors (Hugging Face semantics)', () => {
  it('repetition penalty divides positive and multiplies negative logits of tokens already seen', () => {
    const p = processors([2], { repetitionPenalty: 2 });
    p.accept(3);
    const l = row(1, 1, 4, -4, 4);
    p.apply(l);
    expect([...l]).toEqual([1, 1, 2, -8, 4]);
  });

  it('no_repeat_ngram bans the token that would repeat an n-gram', () => {
    const p = processors([5, 6, 7, 5], { noRepeatNgramSize: 2 });
    const l = row(0, 0, 0, 0, 0, 0, 0, 0);
    p.apply(l);
    expect(l[6]).toBe(-Infinity); // "5 6" was seen, and the sequence ends in 5
    expect([...l].filter((v) => v === -Infinity)).toHaveLength(1);
  });

  it('bad words: single tokens always, longer ones only after their prefix', () => {
    const p = processors([0], {}, { badWordsIds: [[4], [2, 3]] });
    let l = row(0, 0, 0, 0, 0);
    p.apply(l);
    expect([l[4], l[3]]).toEqual([-Infinity, 0]);
    p.accept(2);
    l = row(0, 0, 0, 0, 0);
    p.apply(l);
    expect([l[4], l[3]]).toEqual([-Infinity, -Infinity]);
  });

  it('min_new_tokens masks every EOS id until enough tokens are out', () => {
    const p = processors([0], { minNewTokens: 2 }, { eosTokenIds: [1, 2] });
    for (let i = 0; i < 2; i++) {
      const l = row(0, 5, 5, 0);
      p.apply(l);
      expect([l[1], l[2]]).toEqual([-Infinity, -Infinity]);
      p.accept(3);
    }
    const l = row(0, 5, 5, 0);
    p.apply(l);
    expect([l[1], l[2]]).toEqual([5, 5]);
  });

  it('forced BOS on the first step and forced EOS on the last', () => {
    const p = processors([0], { maxNewTokens: 3 }, { forcedBosTokenId: 3, forcedEosTokenId: 2 });
    let l = row(9, 9, 9, 0);
    p.apply(l);
    expect([...l]).toEqual([-Infinity, -Infinity, -Infinity, 0]);
    p.accept(3);
    l = row(9, 9, 9, 0);
    p.apply(l);
    expect([...l]).toEqual([9, 9, 9, 0]);
    p.accept(0);
    l = row(9, 9, 9, 0);
    p.apply(l);
    expect([...l]).toEqual([-Infinity, -Infinity, 0, -Infinity]);
  });

  it('a clone branches independently (beam search)', () => {
    const p = processors([0], { repetitionPenalty: 2 });
    const q = p.clone();
    q.accept(3);
    const a = row(0, 0, 0, 4);
    const b = row(0, 0, 0, 4);
    p.apply(a);
    q.apply(b);
    expect([a[3], b[3]]).toEqual([4, 2]);
  });
});
