import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { beamSearch } from '../src/generation/beam-search.js';
import { generateText } from '../src/generation/run-generation.js';
import { loadModel } from '../src/models/load-model.js';
import { configFor, copyWithGenerationConfig, loadSeq2Seq, tinySeq2Seq, tinyTokenClassifier } from './helpers.js';

const PROMPT = 'summarize: Maya: we ship on Friday. Omar: I will fix the login bug first.';

describe("the model's own generation_config.json", () => {
  it('num_beams there (as Marian sets 4) turns on beam search by default; a request can turn it off', async () => {
    const plain = await loadSeq2Seq();
    const beamy = await loadSeq2Seq(await copyWithGenerationConfig({ num_beams: 4 }));
    const byDefault = await generateText(beamy, PROMPT, { maxNewTokens: 8 });
    expect(byDefault.settings.numBeams).toBe(4);
    const expected = await beamSearch(plain, { prompt: plain.tokenizer.encode(PROMPT), config: configFor(plain, { maxNewTokens: 8, numBeams: 4 }) });
    expect(byDefault.tokenIds).toEqual(expected.tokenIds);
    const greedy = await generateText(beamy, PROMPT, { maxNewTokens: 8, numBeams: 1 });
    expect(greedy.tokenIds).toEqual((await generateText(plain, PROMPT, { maxNewTokens: 8 })).tokenIds);
  });

  it('bad_words_ids are never generated', async () => {
    const plain = await loadSeq2Seq();
    const free = await generateText(plain, PROMPT, { maxNewTokens: 20 });
    const banned = free.tokenIds[0]!;
    const model = await loadSeq2Seq(await copyWithGenerationConfig({ bad_words_ids: [[banned]] }));
    const out = await generateText(model, PROMPT, { maxNewTokens: 20 });
    expect(free.tokenIds).toContain(banned);
    expect(out.tokenIds).not.toContain(banned);
  });

  it('forced_bos_token_id makes the first new token that token (as BART does)', async () => {
    const model = await loadSeq2Seq(await copyWithGenerationConfig({ forced_bos_token_id: 42 }));
    const out = await generateText(model, PROMPT, { maxNewTokens: 5 });
    expect(out.tokenIds[0]).toBe(42);
  });
});

describe('exports that are not what they should be', () => {
  it('a model.onnx that is neither decoder-only nor token classification names the file and the expected layouts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-wrong-'));
    const seq2seq = await tinySeq2Seq();
    await cp(seq2seq, dir, { recursive: true });
    // An encoder graph where a decoder-only model.onnx should be.
    await cp(join(seq2seq, 'onnx', 'encoder_model.onnx'), join(dir, 'onnx', 'model.onnx'));
    await rm(join(dir, 'onnx', 'encoder_model.onnx'));
    await rm(join(dir, 'onnx', 'decoder_model_merged.onnx'));
    await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'mystery', eos_token_id: 1 }));
    await expect(loadModel(dir)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(/onnx\/model\.onnx has inputs \[input_ids, attention_mask\].*expected a decoder-only export.*or a token-classification export/),
    });
  });

  it('a token classifier without id2label is refused the same way', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'parley-nolabels-'));
    await cp(await tinyTokenClassifier('bert'), dir, { recursive: true });
    await writeFile(join(dir, 'config.json'), JSON.stringify({ model_type: 'bert' }));
    await expect(loadModel(dir)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('with id2label in config.json') });
  });
});
