import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTinySeq2Seq, FLAN_T5_SMALL_SHAPE } from '../src/index.js';
import { seq2seqConfigJson } from '../src/tiny-seq2seq.js';
import { argmax, emptyCache, int64, listFiles, logitsAt, maxAbsDiff, mtimes, readJson, signature, tempDir, type Feeds } from './helpers.js';

const TOP_FILES = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];
const onnx = (...names: string[]) => names.map((n) => `onnx/${n}`);

function cacheSignature(prefix: string, layers: number, parts: string[], decoderLength: string): string[] {
  return Array.from({ length: layers }, (_, i) =>
    parts.map((p) => `${prefix}.${i}.${p}: float32 [batch_size, 4, ${p.startsWith('encoder') ? 'encoder_sequence_length_out' : decoderLength}, 8]`),
  ).flat();
}
const ALL = ['decoder.key', 'decoder.value', 'encoder.key', 'encoder.value'];
const SELF = ['decoder.key', 'decoder.value'];

async function tokenizerOf(dir: string): Promise<Tokenizer> {
  return new Tokenizer(await readJson(dir, 'tokenizer.json'), await readJson(dir, 'tokenizer_config.json'));
}

const session = (dir: string, file: string) => ort.InferenceSession.create(join(dir, 'onnx', file));

describe('tiny seq2seq fixture (Hugging Face Optimum layout)', () => {
  it('writes the merged export layout, with the standard input and output names', async () => {
    const dir = await ensureTinySeq2Seq({ cacheDir: await tempDir('s2s') });
    expect(await listFiles(dir)).toEqual([...TOP_FILES, ...onnx('decoder_model_merged.onnx', 'encoder_model.onnx')].sort());

    const encoder = await session(dir, 'encoder_model.onnx');
    expect(encoder.inputNames).toEqual(['input_ids', 'attention_mask']);
    expect(encoder.outputNames).toEqual(['last_hidden_state']);
    expect(signature(encoder)).toEqual({
      inputs: ['input_ids: int64 [batch_size, encoder_sequence_length]', 'attention_mask: int64 [batch_size, encoder_sequence_length]'],
      outputs: ['last_hidden_state: float32 [batch_size, encoder_sequence_length, 32]'],
    });

    const config = await readJson<Record<string, number>>(dir, 'config.json');
    const decoder = await session(dir, 'decoder_model_merged.onnx');
    const layers = Array.from({ length: config['num_decoder_layers']! }, (_, i) => i);
    const kv = (kind: string) => layers.flatMap((i) => ALL.map((p) => `${kind}.${i}.${p}`));
    expect(decoder.inputNames).toEqual(['encoder_attention_mask', 'input_ids', 'encoder_hidden_states', ...kv('past_key_values'), 'use_cache_branch']);
    expect(decoder.outputNames).toEqual(['logits', ...kv('present')]);
    const past = decoder.inputMetadata.find((m) => m.name === 'past_key_values.0.decoder.key');
    expect(past).toMatchObject({ type: 'float32', shape: ['batch_size', config['num_heads'], 'past_decoder_sequence_length', config['d_kv']] });
    expect(signature(decoder).inputs.at(-1)).toBe('use_cache_branch: bool [1]');
  });

  it('writes the unmerged pair: decoder_model.onnx without past, decoder_with_past_model.onnx without use_cache_branch', async () => {
    const dir = await ensureTinySeq2Seq({ cacheDir: await tempDir('s2s-unmerged'), layout: 'unmerged' });
    expect(await listFiles(dir)).toEqual([...TOP_FILES, ...onnx('decoder_model.onnx', 'decoder_with_past_model.onnx', 'encoder_model.onnx')].sort());
    const vocab = (await readJson<Record<string, number>>(dir, 'config.json'))['vocab_size']!;

    const first = await session(dir, 'decoder_model.onnx');
    expect(signature(first)).toEqual({
      inputs: [
        'encoder_attention_mask: int64 [batch_size, encoder_sequence_length]',
        'input_ids: int64 [batch_size, decoder_sequence_length]',
        'encoder_hidden_states: float32 [batch_size, encoder_sequence_length, 32]',
      ],
      outputs: [`logits: float32 [batch_size, decoder_sequence_length, ${vocab}]`, ...cacheSignature('present', 2, ALL, 'decoder_sequence_length')],
    });

    const withPast = await session(dir, 'decoder_with_past_model.onnx');
    expect(signature(withPast)).toEqual({
      inputs: [
        'encoder_attention_mask: int64 [batch_size, encoder_sequence_length]',
        'input_ids: int64 [batch_size, 1]',
        ...cacheSignature('past_key_values', 2, ALL, 'past_decoder_sequence_length'),
      ],
      outputs: [`logits: float32 [batch_size, 1, ${vocab}]`, ...cacheSignature('present', 2, SELF, 'past_decoder_sequence_length + 1')],
    });
  });

  it("writes all three decoders for layout 'both'", async () => {
    const dir = await ensureTinySeq2Seq({ cacheDir: await tempDir('s2s-both'), layout: 'both' });
    expect(await listFiles(dir)).toEqual(
      [...TOP_FILES, ...onnx('decoder_model.onnx', 'decoder_model_merged.onnx', 'decoder_with_past_model.onnx', 'encoder_model.onnx')].sort(),
    );
  });

  it('is deterministic: the same seed gives byte-identical files, another seed different weights', async () => {
    const [a, b, c] = await Promise.all([
      ensureTinySeq2Seq({ cacheDir: await tempDir('s2s-a'), seed: 7, layout: 'both' }),
      ensureTinySeq2Seq({ cacheDir: await tempDir('s2s-b'), seed: 7, layout: 'both' }),
      ensureTinySeq2Seq({ cacheDir: await tempDir('s2s-c'), seed: 8, layout: 'both' }),
    ]);
    for (const file of await listFiles(a)) {
      const bytes = (dir: string) => readFile(join(dir, file));
      expect((await bytes(a)).equals(await bytes(b)), file).toBe(true);
      if (file.endsWith('.onnx')) expect((await bytes(a)).equals(await bytes(c)), file).toBe(false);
    }
  });

  it('reuses a cached folder without rewriting it', async () => {
    const cacheDir = await tempDir('s2s-cache');
    const dir = await ensureTinySeq2Seq({ cacheDir, layout: 'unmerged' });
    const before = await mtimes(dir);
    expect(await ensureTinySeq2Seq({ cacheDir, layout: 'unmerged' })).toBe(dir);
    expect(await mtimes(dir)).toEqual(before);
    expect(await ensureTinySeq2Seq({ cacheDir, layout: 'merged' })).not.toBe(dir);
  });

  it('ships a T5-style tokenizer that round-trips text and appends </s>', async () => {
    const dir = await ensureTinySeq2Seq({ cacheDir: await tempDir('s2s-tok') });
    const tokenizer = await tokenizerOf(dir);
    const { ids } = tokenizer.encode('We decided to ship the release on Friday.');
    expect(ids.at(-1)).toBe(1);
    expect(tokenizer.decode(ids, { skip_special_tokens: true })).toBe('We decided to ship the release on Friday.');
  });

  it('pads the model vocabulary beyond the tokenizer when asked, and never generates the padded ids or specials', async () => {
    const dir = await ensureTinySeq2Seq({ cacheDir: await tempDir('s2s-vocab'), vocabSize: 640 });
    const tokens = (await readJson<{ model: { vocab: unknown[] } }>(dir, 'tokenizer.json')).model.vocab.length;
    expect(tokens).toBeLessThan(640);
    expect((await readJson(dir, 'config.json'))['vocab_size']).toBe(640);
    const model = await Seq2Seq.load(dir);
    const logits = (await model.decodeFull(await model.encode([5, 6, 7, 1]), [0, 9, 12]))['logits']!;
    expect(logits.dims).toEqual([1, 3, 640]);
    for (let p = 0; p < 3; p++) {
      const row = logitsAt(logits, 0, p);
      const ordinary = row.subarray(3, tokens);
      for (const never of [...row.subarray(0, 3), ...row.subarray(tokens)]) expect(never).toBeLessThan(Math.min(...ordinary));
    }
    await expect(ensureTinySeq2Seq({ cacheDir: await tempDir('s2s-vocab-small'), vocabSize: 10 })).rejects.toThrow(/vocabSize/);
  });

  it('describes flan-t5-small dimensions in FLAN_T5_SMALL_SHAPE (config only; the weights are not built here)', () => {
    expect(seq2seqConfigJson(FLAN_T5_SMALL_SHAPE, 1)).toMatchObject({
      d_model: 512,
      d_kv: 64,
      num_heads: 8,
      d_ff: 1024,
      num_layers: 8,
      num_decoder_layers: 8,
      vocab_size: 32128,
    });
  });
});

/** Drives the three decoder files of a 'both' folder directly with onnxruntime. */
class Seq2Seq {
  private constructor(
    private readonly encoder: ort.InferenceSession,
    private readonly merged: ort.InferenceSession,
    private readonly first: ort.InferenceSession | null,
    private readonly withPast: ort.InferenceSession | null,
    private mask = int64([1]),
  ) {}

  static async load(dir: string): Promise<Seq2Seq> {
    const files = await listFiles(dir);
    const optional = (f: string) => (files.includes(`onnx/${f}`) ? session(dir, f) : null);
    return new Seq2Seq(
      await session(dir, 'encoder_model.onnx'),
      await session(dir, 'decoder_model_merged.onnx'),
      await optional('decoder_model.onnx'),
      await optional('decoder_with_past_model.onnx'),
    );
  }

  async encode(ids: number[]): Promise<ort.Tensor> {
    this.mask = int64(ids.map(() => 1));
    const out = await this.encoder.run({ input_ids: int64(ids), attention_mask: this.mask });
    return out['last_hidden_state']!;
  }

  /** The whole decoder sequence, no cache (merged file, use_cache_branch false). */
  decodeFull(hidden: ort.Tensor, decoderIds: number[]): Promise<ort.InferenceSession.ReturnType> {
    return this.merged.run({
      encoder_attention_mask: this.mask,
      input_ids: int64(decoderIds),
      encoder_hidden_states: hidden,
      ...emptyCache(this.merged, 1),
      use_cache_branch: new ort.Tensor('bool', [false], [1]),
    });
  }

  /** One token at a time with the merged file: first call without cache, later ones with it. */
  async *stepMerged(hidden: ort.Tensor, decoderIds: number[]): AsyncGenerator<Float32Array> {
    let past: Feeds | null = null;
    for (const id of decoderIds) {
      const feeds: Feeds = { encoder_attention_mask: this.mask, input_ids: int64([id]), encoder_hidden_states: hidden };
      const out: ort.InferenceSession.ReturnType = await this.merged.run({
        ...feeds,
        ...(past ?? emptyCache(this.merged, 1)),
        use_cache_branch: new ort.Tensor('bool', [past !== null], [1]),
      });
      past = nextPast(out, past);
      yield logitsAt(out['logits']!, 0, 0);
    }
  }

  /** One token at a time with decoder_model.onnx, then decoder_with_past_model.onnx. */
  async *stepUnmerged(hidden: ort.Tensor, decoderIds: number[]): AsyncGenerator<Float32Array> {
    let past: Feeds | null = null;
    for (const id of decoderIds) {
      const out: ort.InferenceSession.ReturnType = past
        ? await this.withPast!.run({ encoder_attention_mask: this.mask, input_ids: int64([id]), ...past })
        : await this.first!.run({ encoder_attention_mask: this.mask, input_ids: int64([id]), encoder_hidden_states: hidden });
      past = nextPast(out, past);
      yield logitsAt(out['logits']!, 0, 0);
    }
  }
}

/** present.* → past_key_values.*; the encoder entries of the first step are kept (later ones are empty or absent). */
function nextPast(out: ort.InferenceSession.ReturnType, previous: Feeds | null): Feeds {
  const past: Feeds = {};
  for (const [name, tensor] of Object.entries(out)) {
    if (name.startsWith('present.') && !(previous && name.includes('.encoder.'))) past[name.replace('present.', 'past_key_values.')] = tensor;
  }
  for (const [name, tensor] of Object.entries(previous ?? {})) if (name.includes('.encoder.')) past[name] = tensor;
  return past;
}

describe('tiny seq2seq KV cache, across layouts', () => {
  let tokenizer: Tokenizer;
  let model: Seq2Seq;
  beforeAll(async () => {
    const dir = await ensureTinySeq2Seq({ cacheDir: await tempDir('s2s-kv'), layout: 'both' });
    tokenizer = await tokenizerOf(dir);
    model = await Seq2Seq.load(dir);
  });

  it('gives the same logits step by step with the cache (merged and unmerged) as recomputing the whole sequence (within 1e-4)', async () => {
    const hidden = await model.encode(tokenizer.encode('summarize: Maya: we ship on Friday. Omar: I will fix the login bug first.').ids);
    // Greedy tokens from the slow path, so every path sees the same decoder inputs.
    const decoderIds = [0];
    const full: Float32Array[] = [];
    for (let step = 0; step < 12; step++) {
      const { logits } = await model.decodeFull(hidden, decoderIds);
      full.push(logitsAt(logits!, 0, step));
      decoderIds.push(argmax(full[step]!));
    }
    decoderIds.pop();
    let worst = 0;
    for (const stepper of [model.stepMerged(hidden, decoderIds), model.stepUnmerged(hidden, decoderIds)]) {
      let step = 0;
      for await (const logits of stepper) worst = Math.max(worst, maxAbsDiff(logits, full[step++]!));
      expect(step).toBe(12);
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it('generates varied greedy text: at least 5 distinct tokens in 20 steps, for several prompts', async () => {
    const prompts = [
      'summarize: Lena: release notes are done. Omar: rollback plan is ready.',
      'summarize: the budget review is blocked by the bug',
      'translate English to German: good morning team',
      'hello world',
      'a',
    ];
    for (const prompt of prompts) {
      const hidden = await model.encode(tokenizer.encode(prompt).ids);
      const ids = [0];
      for (let step = 0; step < 20; step++) ids.push(argmax(logitsAt((await model.decodeFull(hidden, ids)).logits!, 0, step)));
      expect(new Set(ids.slice(1)).size, `${prompt} → ${ids.join(' ')}`).toBeGreaterThanOrEqual(5);
    }
  });
});
