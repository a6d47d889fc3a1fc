import { cp, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { argmax } from '../src/generation/argmax.js';
import { generate } from '../src/generation/generate.js';
import type { Seq2SeqModel } from '../src/models/seq2seq-model.js';
import { configFor, loadSeq2Seq, tinySeq2Seq } from './helpers.js';
import { int64Rows } from '../src/models/tensors.js';

describe('argmax', () => {
  it('picks the largest value of the requested row', () => {
    const m = Float32Array.from([0.1, 0.9, 0.3, /* row 1 */ 5, -1, 7]);
    expect(argmax(m, 3, 0)).toBe(1);
    expect(argmax(m, 3, 1)).toBe(2);
  });

  it('takes the first index on ties and handles all-negative rows', () => {
    expect(argmax(Float32Array.from([2, 2, 1]), 3)).toBe(0);
    expect(argmax(Float32Array.from([-3, -1, -2]), 3)).toBe(1);
  });
});

describe('greedy decoding on the tiny model', () => {
  let dir: string;
  let model: Seq2SeqModel;
  const prompt = 'summarize: Lena: release notes are done. Omar: rollback plan is ready.';
  const run = async (m: Seq2SeqModel, maxNewTokens: number) => {
    const [r] = await generate(m, [{ prompt: m.tokenizer.encode(prompt), config: configFor(m, { maxNewTokens }) }]);
    return r!;
  };

  beforeAll(async () => {
    dir = await tinySeq2Seq();
    model = await loadSeq2Seq(dir);
  });

  it('equals greedy decoding done the slow way (whole sequence each step, no cache), and decodes to its text', async () => {
    const result = await run(model, 12);
    const encoder = await model.encode([model.tokenizer.encode(prompt)]);
    const slow = [model.config.generation.decoderStartTokenId];
    for (let step = 0; step < 12; step++) {
      const { logits, vocabSize } = await model.decode(encoder, int64Rows([slow]), null);
      slow.push(argmax(logits, vocabSize));
    }
    expect(result.tokenIds).toEqual(slow.slice(1));
    expect(result.text).toBe(model.tokenizer.decode(result.tokenIds));
    expect(new Set(result.tokenIds).size).toBeGreaterThan(3);
  });

  it('is deterministic and stops after max_new_tokens', async () => {
    const a = await run(model, 5);
    const b = await run(model, 9);
    expect(a.tokenIds).toHaveLength(5);
    expect(a.finishReason).toBe('length');
    expect(b.tokenIds.slice(0, 5)).toEqual(a.tokenIds);
  });

  it('stops at the end-of-sequence token named by generation_config.json, without emitting it', async () => {
    const free = await run(model, 6);
    const eos = free.tokenIds[3]!;
    const copy = await mkdtemp(join(tmpdir(), 'parley-eos-'));
    await cp(dir, copy, { recursive: true });
    const genPath = join(copy, 'generation_config.json');
    const gen = JSON.parse(await readFile(genPath, 'utf8')) as Record<string, unknown>;
    await writeFile(genPath, JSON.stringify({ ...gen, eos_token_id: [eos] }));
    const stopped = await run(await loadSeq2Seq(copy), 6);
    expect(stopped.finishReason).toBe('eos');
    expect(stopped.tokenIds).toEqual(free.tokenIds.slice(0, free.tokenIds.indexOf(eos)));
  });
});
