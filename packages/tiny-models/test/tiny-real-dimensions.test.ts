import { Tokenizer } from '@huggingface/tokenizers';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BERT_BASE_NER_REAL,
  ensureTinyCausalLM,
  ensureTinySeq2Seq,
  ensureTinyTokenClassifier,
  FLAN_T5_SMALL_REAL,
  OPUS_MT_EN_DE_REAL,
  QWEN2_5_0_5B_INSTRUCT_REAL,
  QWEN2_CHAT_TEMPLATE,
} from '../src/index.js';
import { causalLMConfigJson } from '../src/tiny-causal-lm.js';
import { tokenClassifierConfigJson } from '../src/tiny-token-classifier.js';
import { marianConfigJson, seq2seqConfigJson } from '../src/tiny-seq2seq.js';
import type { CausalLMShape } from '../src/causal-lm.js';
import type { Seq2SeqShape } from '../src/seq2seq.js';
import type { TokenClassifierShape } from '../src/token-classifier.js';
import { emptyCache, int64, listFiles, logitsAt, maxAbsDiff, readJson, tempDir, type Feeds } from './helpers.js';

const TOP = ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json'];

async function graphOf(path: string): Promise<onnxProto.onnx.IGraphProto> {
  return onnxProto.onnx.ModelProto.decode(await readFile(path)).graph!;
}

const initializerNames = (g: onnxProto.onnx.IGraphProto) => (g.initializer ?? []).map((t) => t.name!);

describe('qwen2 variant (Qwen2.5: rotary positions, q/k/v biases, tied head, ChatML)', () => {
  let dir: string;
  let session: ort.InferenceSession;
  let tokenizer: Tokenizer;

  const run = (ids: number[][], mask: number[][], positions: number[][], past: Feeds | null) =>
    session.run({
      input_ids: int64(ids),
      attention_mask: int64(mask),
      position_ids: int64(positions),
      ...(past ?? emptyCache(session, ids.length)),
      num_logits_to_keep: new ort.Tensor('int64', [0n], []),
    });
  const pastOf = (out: ort.InferenceSession.ReturnType): Feeds =>
    Object.fromEntries(Object.entries(out).filter(([n]) => n.startsWith('present.')).map(([n, t]) => [n.replace('present.', 'past_key_values.'), t]));
  const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);

  beforeAll(async () => {
    dir = await ensureTinyCausalLM({ cacheDir: await tempDir('qwen2'), variant: 'qwen2' });
    session = await ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx'));
    tokenizer = new Tokenizer(await readJson(dir, 'tokenizer.json'), await readJson(dir, 'tokenizer_config.json'));
  });

  it('writes the onnx-community layout and a Qwen2 config, with its chat template', async () => {
    expect(await listFiles(dir)).toEqual([...TOP, 'onnx/model.onnx'].sort());
    expect(session.inputNames.at(-1)).toBe('num_logits_to_keep');
    const config = await readJson(dir, 'config.json');
    expect(config).toMatchObject({ model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'], tie_word_embeddings: true, rope_theta: 1_000_000, num_key_value_heads: 2 });
    expect((await readJson(dir, 'tokenizer_config.json'))['chat_template']).toBe(QWEN2_CHAT_TEMPLATE);
  });

  it('has no position table and no lm_head: q/k/v biases, and the head multiplies by the transposed embedding', async () => {
    const graph = await graphOf(join(dir, 'onnx', 'model.onnx'));
    const names = initializerNames(graph);
    expect(names).toContain('model.layers.0.self_attn.q_proj.bias');
    expect(names).toContain('model.layers.0.self_attn.v_proj.bias');
    expect(names).not.toContain('model.layers.0.self_attn.o_proj.bias');
    expect(names.filter((n) => n.includes('embed_positions') || n.startsWith('lm_head'))).toEqual([]);
    expect(graph.node!.some((n) => n.opType === 'Transpose' && n.input![0] === 'model.embed_tokens')).toBe(true);
  });

  it('gives the same logits step by step with the KV cache as over the whole sequence, and a left-padded row its solo logits', async () => {
    const ids = tokenizer.encode('Omar said the login bug was fixed, but one test still failed.').ids;
    const full = (await run([ids], [ids.map(() => 1)], [range(0, ids.length)], null))['logits']!;
    let out = await run([ids.slice(0, 3)], [[1, 1, 1]], [range(0, 3)], null);
    let worst = maxAbsDiff(logitsAt(out['logits']!, 0, 2), logitsAt(full, 0, 2));
    for (let i = 3; i < ids.length; i++) {
      out = await run([[ids[i]!]], [range(0, i + 1).map(() => 1)], [[i]], pastOf(out));
      worst = Math.max(worst, maxAbsDiff(logitsAt(out['logits']!, 0, 0), logitsAt(full, 0, i)));
    }
    expect(worst).toBeLessThan(1e-4);

    // Rotary positions follow position_ids, so a left-padded row sees the positions it sees alone.
    const short = ids.slice(0, 5);
    const pad = 4;
    const padded = await run([[...new Array<number>(pad).fill(0), ...short]], [[...new Array<number>(pad).fill(0), ...short.map(() => 1)]], [[...new Array<number>(pad).fill(1), ...range(0, 5)]], null);
    expect(maxAbsDiff(logitsAt(padded['logits']!, 0, pad + 4), logitsAt(full, 0, 4))).toBeLessThan(1e-4);
  });

  it('stores the weights beside model.onnx with externalData, as QWEN2_5_0_5B_INSTRUCT_REAL asks', async () => {
    const external = await ensureTinyCausalLM({ cacheDir: await tempDir('qwen2-ext'), variant: 'qwen2', externalData: true });
    expect(await listFiles(external)).toEqual([...TOP, 'onnx/model.onnx', 'onnx/model.onnx_data'].sort());
    const s = await ort.InferenceSession.create(join(external, 'onnx', 'model.onnx'));
    expect(s.inputNames).toEqual(session.inputNames);
    expect(QWEN2_5_0_5B_INSTRUCT_REAL.externalData).toBe(true);
  });
});

describe('marian variant (opus-mt: tied embeddings, final_logits_bias, beams in generation_config)', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await ensureTinySeq2Seq({ cacheDir: await tempDir('marian'), variant: 'marian', layout: 'both' });
  });

  it("writes Marian's config.json, generation_config.json and tokenizer class", async () => {
    expect(await readJson(dir, 'config.json')).toMatchObject({ model_type: 'marian', architectures: ['MarianMTModel'], tie_word_embeddings: true, activation_function: 'swish' });
    expect(await readJson(dir, 'generation_config.json')).toMatchObject({ num_beams: 4, bad_words_ids: [[0]], decoder_start_token_id: 0, eos_token_id: 1 });
    expect((await readJson(dir, 'tokenizer_config.json'))['tokenizer_class']).toBe('MarianTokenizer');
  });

  it('ties the LM head to the embedding in every decoder: no lm_head, one Transpose of the table, a final_logits_bias', async () => {
    for (const file of ['decoder_model_merged.onnx', 'decoder_model.onnx', 'decoder_with_past_model.onnx']) {
      const graph = await graphOf(join(dir, 'onnx', file));
      const names = initializerNames(graph);
      expect(names, file).toContain('final_logits_bias');
      expect(names, file).not.toContain('lm_head');
      expect(names.filter((n) => n === 'shared.embed_tokens'), file).toHaveLength(1);
      expect(graph.node!.filter((n) => n.opType === 'Transpose' && n.input![0] === 'shared.embed_tokens'), file).toHaveLength(1);
      expect(initializerNames(graph).some((n) => n.endsWith('.ff.wi'))).toBe(true);
    }
  });

  it('gives the same first-step logits from the merged decoder and decoder_model.onnx', async () => {
    const encoder = await ort.InferenceSession.create(join(dir, 'onnx', 'encoder_model.onnx'));
    const hidden = (await encoder.run({ input_ids: int64([5, 6, 7, 1]), attention_mask: int64([1, 1, 1, 1]) }))['last_hidden_state']!;
    const common = { encoder_attention_mask: int64([1, 1, 1, 1]), input_ids: int64([0]), encoder_hidden_states: hidden };
    const first = await (await ort.InferenceSession.create(join(dir, 'onnx', 'decoder_model.onnx'))).run(common);
    const mergedSession = await ort.InferenceSession.create(join(dir, 'onnx', 'decoder_model_merged.onnx'));
    const merged = await mergedSession.run({ ...common, ...emptyCache(mergedSession, 1), use_cache_branch: new ort.Tensor('bool', [false], [1]) });
    expect(maxAbsDiff(logitsAt(first['logits']!, 0, 0), logitsAt(merged['logits']!, 0, 0))).toBeLessThan(1e-5);
  });
});

describe('flan-t5 feed-forward and padded classifier vocabularies', () => {
  it("feedForward 'gated-gelu' writes wi_0 and wi_1 and says so in config.json", async () => {
    const dir = await ensureTinySeq2Seq({ cacheDir: await tempDir('gated'), feedForward: 'gated-gelu' });
    const names = initializerNames(await graphOf(join(dir, 'onnx', 'encoder_model.onnx')));
    expect(names).toContain('encoder.layers.0.ff.wi_0');
    expect(names).toContain('encoder.layers.0.ff.wi_1');
    expect(names).not.toContain('encoder.layers.0.ff.wi');
    expect(await readJson(dir, 'config.json')).toMatchObject({ model_type: 't5', feed_forward_proj: 'gated-gelu' });
    const encoder = await ort.InferenceSession.create(join(dir, 'onnx', 'encoder_model.onnx'));
    const out = await encoder.run({ input_ids: int64([5, 6, 1]), attention_mask: int64([1, 1, 1]) });
    expect(out['last_hidden_state']!.dims).toEqual([1, 3, 32]);
  });

  it('pads a token classifier vocabulary to vocabSize, and refuses one below the tokenizer', async () => {
    const dir = await ensureTinyTokenClassifier({ cacheDir: await tempDir('ner-vocab'), variant: 'bert', vocabSize: 2000 });
    expect((await readJson(dir, 'config.json'))['vocab_size']).toBe(2000);
    const embedding = (await graphOf(join(dir, 'onnx', 'model.onnx'))).initializer!.find((t) => t.name === 'bert.embeddings.word_embeddings')!;
    expect(embedding.dims!.map(Number)).toEqual([2000, 32]);
    await expect(ensureTinyTokenClassifier({ cacheDir: await tempDir('ner-small'), variant: 'bert', vocabSize: 5 })).rejects.toThrow(/vocabSize/);
  });
});

describe('presets at the real models\' dimensions (configs only; the weights are built by npm run bench:models)', () => {
  it('flan-t5-small: 6 heads of 64, gated-GELU 1024, 8 + 8 layers, 32128 logits, 512 positions', () => {
    expect(FLAN_T5_SMALL_REAL).toMatchObject({ variant: 't5', feedForward: 'gated-gelu', vocabSize: 32128 });
    expect(seq2seqConfigJson(FLAN_T5_SMALL_REAL.shape as Seq2SeqShape, 1, 'gated-gelu')).toMatchObject({
      d_model: 512,
      d_kv: 64,
      num_heads: 6,
      d_ff: 1024,
      num_layers: 8,
      num_decoder_layers: 8,
      vocab_size: 32128,
      n_positions: 512,
      feed_forward_proj: 'gated-gelu',
    });
  });

  it('opus-mt-en-de: d_model 512, 8 heads, FFN 2048, 6 + 6 layers, vocabulary 58101', () => {
    expect(marianConfigJson(OPUS_MT_EN_DE_REAL.shape as Seq2SeqShape, 1)).toMatchObject({
      d_model: 512,
      encoder_attention_heads: 8,
      decoder_attention_heads: 8,
      encoder_ffn_dim: 2048,
      encoder_layers: 6,
      decoder_layers: 6,
      vocab_size: 58101,
      max_position_embeddings: 512,
    });
  });

  it('bert-base-NER: 12 layers, hidden 768, 12 heads, 3072, vocabulary 28996, 9 labels', () => {
    const shape = { ...BERT_BASE_NER_REAL.shape, vocabSize: BERT_BASE_NER_REAL.vocabSize, numLabels: 9 } as TokenClassifierShape;
    const config = tokenClassifierConfigJson('bert', shape, 1) as { id2label: object };
    expect(config).toMatchObject({ num_hidden_layers: 12, hidden_size: 768, num_attention_heads: 12, intermediate_size: 3072, vocab_size: 28996, max_position_embeddings: 512 });
    expect(Object.keys(config.id2label)).toHaveLength(9);
  });

  it('Qwen2.5-0.5B-Instruct: 24 layers, hidden 896, 14 heads / 2 KV heads, 4864, vocabulary 151936, tied', () => {
    expect(causalLMConfigJson('qwen2', QWEN2_5_0_5B_INSTRUCT_REAL.shape as CausalLMShape, 0, 1)).toMatchObject({
      num_hidden_layers: 24,
      hidden_size: 896,
      num_attention_heads: 14,
      num_key_value_heads: 2,
      intermediate_size: 4864,
      vocab_size: 151936,
      max_position_embeddings: 32768,
      tie_word_embeddings: true,
    });
  });
});
