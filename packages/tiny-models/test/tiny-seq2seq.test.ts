import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureTinySeq2Seq } from '../src/index.js';

describe('tiny seq2seq fixture (Hugging Face Optimum layout)', () => {
  it('writes the export layout, with the standard input and output names', async () => {
    const dir = await ensureTinySeq2Seq({ cacheDir: await mkdtemp(join(tmpdir(), 'parley-tiny-')) });
    expect((await readdir(dir)).sort()).toEqual(['config.json', 'generation_config.json', 'onnx', 'tokenizer.json', 'tokenizer_config.json']);
    expect((await readdir(join(dir, 'onnx'))).sort()).toEqual(['decoder_model_merged.onnx', 'encoder_model.onnx']);

    const encoder = await ort.InferenceSession.create(join(dir, 'onnx', 'encoder_model.onnx'));
    expect(encoder.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect(encoder.outputNames).toEqual(['last_hidden_state']);

    const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8')) as Record<string, number>;
    const decoder = await ort.InferenceSession.create(join(dir, 'onnx', 'decoder_model_merged.onnx'));
    const layers = Array.from({ length: config['num_decoder_layers']! }, (_, i) => i);
    const kv = (kind: string) => layers.flatMap((i) => ['decoder.key', 'decoder.value', 'encoder.key', 'encoder.value'].map((p) => `${kind}.${i}.${p}`));
    expect(decoder.inputNames).toEqual(['encoder_attention_mask', 'input_ids', 'encoder_hidden_states', ...kv('past_key_values'), 'use_cache_branch']);
    expect(decoder.outputNames).toEqual(['logits', ...kv('present')]);
    const past = decoder.inputMetadata.find((m) => m.name === 'past_key_values.0.decoder.key');
    expect(past).toMatchObject({ type: 'float32', shape: ['batch_size', config['num_heads'], 'past_decoder_sequence_length', config['d_kv']] });
  });

  it('is deterministic: the same seed gives byte-identical files, another seed different weights', async () => {
    const [a, b, c] = await Promise.all([
      ensureTinySeq2Seq({ cacheDir: await mkdtemp(join(tmpdir(), 'parley-tiny-a-')), seed: 7 }),
      ensureTinySeq2Seq({ cacheDir: await mkdtemp(join(tmpdir(), 'parley-tiny-b-')), seed: 7 }),
      ensureTinySeq2Seq({ cacheDir: await mkdtemp(join(tmpdir(), 'parley-tiny-c-')), seed: 8 }),
    ]);
    const bytes = (dir: string) => readFile(join(dir, 'onnx', 'decoder_model_merged.onnx'));
    expect((await bytes(a)).equals(await bytes(b))).toBe(true);
    expect((await bytes(a)).equals(await bytes(c))).toBe(false);
  });

  it('ships a T5-style tokenizer that round-trips text and appends </s>', async () => {
    const dir = await ensureTinySeq2Seq({ cacheDir: await mkdtemp(join(tmpdir(), 'parley-tiny-t-')) });
    const json = async (name: string) => JSON.parse(await readFile(join(dir, name), 'utf8')) as object;
    const tokenizer = new Tokenizer(await json('tokenizer.json'), await json('tokenizer_config.json'));
    const { ids } = tokenizer.encode('We decided to ship the release on Friday.');
    expect(ids.at(-1)).toBe(1);
    expect(tokenizer.decode(ids, { skip_special_tokens: true })).toBe('We decided to ship the release on Friday.');
  });
});
