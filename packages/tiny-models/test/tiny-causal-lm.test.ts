import { Tokenizer } from '@huggingface/tokenizers';
import onnxProto from 'onnx-proto';
import ort from 'onnxruntime-node';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DISTILGPT2_SHAPE, ensureTinyCausalLM, type CausalLMVariant, type TinyCausalLMOptions } from '../src/index.js';
import { causalLMConfigJson } from '../src/tiny-causal-lm.js';
import {
  argmax,
  correlation,
  emptyCache,
  floats,
  int64,
  listFiles,
  logitsAt,
  maxAbs,
  maxAbsDiff,
  mtimes,
  readJson,
  signature,
  tempDir,
  type Feeds,
} from './helpers.js';

const layout = (...onnx: string[]) => ['config.json', 'generation_config.json', 'tokenizer.json', 'tokenizer_config.json', ...onnx.map((f) => `onnx/${f}`)].sort();
const PROMPTS = ['The team agreed to', 'Hello world', 'On Friday the release', 'a', 'Omar said the login bug was fixed, but'];

/** One causal LM file driven directly with onnxruntime, the way transformers.js feeds it. */
class CausalLM {
  private constructor(
    readonly session: ort.InferenceSession,
    private readonly cacheType: 'float32' | 'float16',
  ) {}

  static async load(dir: string, file = 'model.onnx'): Promise<CausalLM> {
    const session = await ort.InferenceSession.create(join(dir, 'onnx', file));
    const past = session.inputMetadata.find((m) => m.name === 'past_key_values.0.key');
    return new CausalLM(session, past?.isTensor && past.type === 'float16' ? 'float16' : 'float32');
  }

  /**
   * Runs rows of new tokens. `mask` covers past + new positions (0 = padding); positions default to
   * the count of unmasked positions before each token, and 1 on padding, as transformers.js does.
   */
  run(ids: number[][], options: { mask?: number[][]; past?: Feeds | null; positions?: number[][]; keep?: number } = {}) {
    const pastLength = Number(options.past?.['past_key_values.0.key']?.dims[2] ?? 0);
    const mask = options.mask ?? ids.map((row) => new Array<number>(pastLength + row.length).fill(1));
    const positions =
      options.positions ??
      mask.map((row) => {
        let seen = 0;
        return row.map((m) => (m ? seen++ : 1)).slice(pastLength);
      });
    const feeds: Feeds = {
      input_ids: int64(ids),
      attention_mask: int64(mask),
      position_ids: int64(positions),
      ...(options.past ?? emptyCache(this.session, ids.length, this.cacheType)),
    };
    if (this.session.inputNames.includes('num_logits_to_keep')) feeds['num_logits_to_keep'] = new ort.Tensor('int64', [BigInt(options.keep ?? 0)], []);
    return this.session.run(feeds);
  }

  static past(out: ort.InferenceSession.ReturnType): Feeds {
    const past: Feeds = {};
    for (const [name, t] of Object.entries(out)) if (name.startsWith('present.')) past[name.replace('present.', 'past_key_values.')] = t;
    return past;
  }

  /** Greedy continuation recomputing the whole sequence each step (no cache). */
  async greedy(prompt: number[], steps: number): Promise<number[]> {
    const ids = [...prompt];
    for (let i = 0; i < steps; i++) {
      const { logits } = await this.run([ids], { keep: 1 });
      ids.push(argmax(logitsAt(logits!, 0, logits!.dims[1]! - 1)));
    }
    return ids.slice(prompt.length);
  }
}

async function tokenizerOf(dir: string): Promise<Tokenizer> {
  return new Tokenizer(await readJson(dir, 'tokenizer.json'), await readJson(dir, 'tokenizer_config.json'));
}

function cacheSignature(prefix: string, layers: number, kvHeads: number, length: string, type = 'float32'): string[] {
  return Array.from({ length: layers }, (_, i) => ['key', 'value'].map((p) => `${prefix}.${i}.${p}: ${type} [batch_size, ${kvHeads}, ${length}, 8]`)).flat();
}

describe.each<[CausalLMVariant, number]>([
  ['gpt2', 4],
  ['llama', 2],
])('tiny causal LM, %s', (variant, kvHeads) => {
  let cacheDir: string;
  let dir: string;
  let model: CausalLM;
  let tokenizer: Tokenizer;
  let vocab: number;
  const ensure = (extra: Partial<TinyCausalLMOptions> = {}) => ensureTinyCausalLM({ cacheDir, variant, ...extra });

  beforeAll(async () => {
    cacheDir = await tempDir(`clm-${variant}`);
    dir = await ensure();
    model = await CausalLM.load(dir);
    tokenizer = await tokenizerOf(dir);
    vocab = (await readJson<Record<string, number>>(dir, 'config.json'))['vocab_size']!;
  });

  it('writes the transformers.js layout with Optimum input and output names, types and shapes', async () => {
    expect(await listFiles(dir)).toEqual(layout('model.onnx'));
    const past = cacheSignature('past_key_values', 2, kvHeads, 'past_sequence_length');
    expect(model.session.inputNames).toEqual([
      'input_ids',
      'attention_mask',
      'position_ids',
      ...past.map((s) => s.split(':')[0]),
      ...(variant === 'llama' ? ['num_logits_to_keep'] : []),
    ]);
    expect(signature(model.session)).toEqual({
      inputs: [
        'input_ids: int64 [batch_size, sequence_length]',
        'attention_mask: int64 [batch_size, past_sequence_length + sequence_length]',
        'position_ids: int64 [batch_size, sequence_length]',
        ...past,
        ...(variant === 'llama' ? ['num_logits_to_keep: int64 []'] : []),
      ],
      outputs: [
        `logits: float32 [batch_size, sequence_length, ${vocab}]`,
        ...cacheSignature('present', 2, kvHeads, 'past_sequence_length + sequence_length'),
      ],
    });
  });

  it('writes a config.json with the family keys, eos = <|endoftext|>', async () => {
    const config = await readJson(dir, 'config.json');
    const eos = tokenizer.encode('<|endoftext|>').ids;
    expect(eos).toHaveLength(1);
    const ids = { bos_token_id: eos[0], eos_token_id: eos[0] };
    if (variant === 'gpt2') {
      expect(config).toMatchObject({ model_type: 'gpt2', n_embd: 32, n_head: 4, n_layer: 2, n_positions: 256, vocab_size: vocab, ...ids });
    } else {
      expect(config).toMatchObject({
        model_type: 'llama',
        hidden_size: 32,
        intermediate_size: 64,
        num_hidden_layers: 2,
        num_attention_heads: 4,
        num_key_value_heads: 2,
        max_position_embeddings: 256,
        vocab_size: vocab,
        ...ids,
      });
    }
    expect(await readJson(dir, 'generation_config.json')).toEqual(ids);
    expect(vocab).toBe(eos[0]! + 1);
  });

  it('gives the same logits step by step with the KV cache as running the whole sequence (within 1e-4)', async () => {
    const ids = tokenizer.encode('Omar said the login bug was fixed, but one test still failed.').ids;
    expect(ids.length).toBeGreaterThan(10);
    const full = (await model.run([ids]))['logits']!;
    expect(full.dims).toEqual([1, ids.length, vocab]);

    const prefill = 4;
    let out = await model.run([ids.slice(0, prefill)], { keep: 1 });
    let worst = maxAbsDiff(logitsAt(out['logits']!, 0, out['logits']!.dims[1]! - 1), logitsAt(full, 0, prefill - 1));
    for (let i = prefill; i < ids.length; i++) {
      out = await model.run([[ids[i]!]], { past: CausalLM.past(out), keep: 1 });
      expect(out['present.1.value']!.dims).toEqual([1, kvHeads, i + 1, 8]);
      worst = Math.max(worst, maxAbsDiff(logitsAt(out['logits']!, 0, 0), logitsAt(full, 0, i)));
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it('runs a left-padded batch of two prompts: each row gives the logits it gives alone, through prefill and cached steps', async () => {
    const long = tokenizer.encode('The customer in London wanted a small change to the design').ids;
    const short = tokenizer.encode('Lena read the note').ids;
    const pad = long.length - short.length;
    expect(pad).toBeGreaterThan(2);
    const eos = vocab - 1;
    const rows = [long, [...new Array<number>(pad).fill(eos), ...short]];
    let mask = [long.map(() => 1), [...new Array<number>(pad).fill(0), ...short.map(() => 1)]];
    const continuation = [[11, 42, 7], [300, 5, 99]];

    let out = await model.run(rows, { mask, keep: 1 });
    const solo = await Promise.all([long, short].map((r, b) => model.run([[...r, ...continuation[b]!]])));
    let worst = 0;
    const compare = (position: [number, number]) => {
      const batched = out['logits']!;
      for (let b = 0; b < 2; b++) {
        worst = Math.max(worst, maxAbsDiff(logitsAt(batched, b, batched.dims[1]! - 1), logitsAt(solo[b]!['logits']!, 0, position[b]!)));
      }
    };
    compare([long.length - 1, short.length - 1]);
    for (let step = 0; step < 3; step++) {
      mask = mask.map((row) => [...row, 1]);
      out = await model.run([[continuation[0]![step]!], [continuation[1]![step]!]], { mask, past: CausalLM.past(out), keep: 1 });
      compare([long.length + step, short.length + step]);
    }
    expect(worst).toBeLessThan(1e-4);

    // The mask and the positions really matter: ignoring either changes the padded row.
    const unmasked = await model.run(rows, { mask: rows.map((r) => r.map(() => 1)), keep: 1 });
    const shifted = await model.run(rows, { mask: rows.map((r, b) => r.map((_: number, i: number) => (b === 1 && i < pad ? 0 : 1))), positions: rows.map((r) => r.map((_: number, i: number) => i)), keep: 1 });
    const reference = logitsAt(solo[1]!['logits']!, 0, short.length - 1);
    for (const wrong of [unmasked, shifted]) expect(maxAbsDiff(logitsAt(wrong['logits']!, 1, wrong['logits']!.dims[1]! - 1), reference)).toBeGreaterThan(1e-2);
  });

  it('generates varied greedy text: at least 5 distinct tokens in 20 steps, for several prompts', async () => {
    for (const prompt of PROMPTS) {
      const tokens = await model.greedy(tokenizer.encode(prompt).ids, 20);
      expect(new Set(tokens).size, `${prompt} → ${tokens.join(' ')}`).toBeGreaterThanOrEqual(5);
    }
  });

  it('is deterministic per seed, and reuses a cached folder without rewriting it', async () => {
    const other = await tempDir(`clm-${variant}-det`);
    const [same, reseeded] = await Promise.all([ensureTinyCausalLM({ cacheDir: other, variant }), ensureTinyCausalLM({ cacheDir: other, variant, seed: 99 })]);
    expect(same).not.toBe(dir);
    for (const file of await listFiles(dir)) {
      expect((await readFile(join(dir, file))).equals(await readFile(join(same, file))), file).toBe(true);
    }
    const bytes = (d: string) => readFile(join(d, 'onnx', 'model.onnx'));
    expect((await bytes(dir)).equals(await bytes(reseeded))).toBe(false);

    const before = await mtimes(dir);
    expect(await ensure()).toBe(dir);
    expect(await mtimes(dir)).toEqual(before);
  });

  it('fp16: float16 past, presents and logits at the boundary, logits within 5e-2 of fp32 (relative), cache accepted', async () => {
    const fp16Dir = await ensure({ dtype: 'fp16' });
    expect(await listFiles(fp16Dir)).toEqual(layout('model_fp16.onnx'));
    const fp16 = await CausalLM.load(fp16Dir, 'model_fp16.onnx');
    const { inputs, outputs } = signature(fp16.session);
    expect(inputs.filter((s) => s.includes('float16'))).toEqual(cacheSignature('past_key_values', 2, kvHeads, 'past_sequence_length', 'float16'));
    expect(outputs).toEqual([
      `logits: float16 [batch_size, sequence_length, ${vocab}]`,
      ...cacheSignature('present', 2, kvHeads, 'past_sequence_length + sequence_length', 'float16'),
    ]);

    const ids = tokenizer.encode('The plan was clear, the owners knew what to do').ids;
    const reference = floats((await model.run([ids]))['logits']!);
    const half = floats((await fp16.run([ids]))['logits']!);
    expect(maxAbsDiff(half, reference) / maxAbs(reference)).toBeLessThan(5e-2);

    const first = await fp16.run([ids.slice(0, -1)], { keep: 1 });
    const step = await fp16.run([ids.slice(-1)], { past: CausalLM.past(first), keep: 1 });
    const last = logitsAt(step['logits']!, 0, 0);
    expect(maxAbsDiff(last, reference.slice(-vocab)) / maxAbs(reference)).toBeLessThan(5e-2);
  });

  it('q8: model_quantized.onnx with int8 weights (DynamicQuantizeLinear + MatMulInteger), logits correlated with fp32', async () => {
    const q8Dir = await ensure({ dtype: 'q8' });
    expect(await listFiles(q8Dir)).toEqual(layout('model_quantized.onnx'));
    const bytes = await readFile(join(q8Dir, 'onnx', 'model_quantized.onnx'));
    const graph = onnxProto.onnx.ModelProto.decode(bytes).graph as onnxProto.onnx.GraphProto;
    const ops = new Set(graph.node.map((n) => n.opType));
    expect([...ops]).toEqual(expect.arrayContaining(['DynamicQuantizeLinear', 'MatMulInteger', 'DequantizeLinear']));
    const big = graph.initializer.filter((t) => t.dims?.length === 2);
    expect(big.length).toBeGreaterThan(0);
    expect(big.every((t) => t.dataType === onnxProto.onnx.TensorProto.DataType.INT8)).toBe(true);
    expect(bytes.length).toBeLessThan((await stat(join(dir, 'onnx', 'model.onnx'))).size / 2);

    const q8 = await CausalLM.load(q8Dir, 'model_quantized.onnx');
    expect(signature(q8.session)).toEqual(signature(model.session));
    const ids = tokenizer.encode('The plan was clear, the owners knew what to do').ids;
    const r = correlation(floats((await q8.run([ids]))['logits']!), floats((await model.run([ids]))['logits']!));
    expect(r).toBeGreaterThan(0.9);
  });

  it('externalData: weights in onnx/model.onnx_data, a small model.onnx, the same logits', async () => {
    const extDir = await ensure({ externalData: true });
    expect(await listFiles(extDir)).toEqual(layout('model.onnx', 'model.onnx_data'));
    const graph = onnxProto.onnx.ModelProto.decode(await readFile(join(extDir, 'onnx', 'model.onnx'))).graph as onnxProto.onnx.GraphProto;
    const external = graph.initializer.filter((t) => t.dataLocation === onnxProto.onnx.TensorProto.DataLocation.EXTERNAL);
    expect(external.length).toBeGreaterThan(0);
    const entry = (t: onnxProto.onnx.ITensorProto, key: string) => t.externalData!.find((e) => e.key === key)?.value;
    expect(new Set(external.map((t) => entry(t, 'location')))).toEqual(new Set(['model.onnx_data']));
    const dataSize = (await stat(join(extDir, 'onnx', 'model.onnx_data'))).size;
    expect(Math.max(...external.map((t) => Number(entry(t, 'offset')) + Number(entry(t, 'length'))))).toBe(dataSize);
    expect((await stat(join(extDir, 'onnx', 'model.onnx'))).size).toBeLessThan(dataSize / 4);

    const ext = await CausalLM.load(extDir);
    const ids = tokenizer.encode('Then they went home for the weekend.').ids;
    expect(maxAbsDiff(floats((await ext.run([ids]))['logits']!), floats((await model.run([ids]))['logits']!))).toBe(0);
  });

  it('pads the model vocabulary when asked; padded ids and <|endoftext|> never win', async () => {
    const padded = await CausalLM.load(await ensure({ vocabSize: vocab + 100 }));
    const { logits } = await padded.run([tokenizer.encode('Hello world').ids]);
    expect(logits!.dims[2]).toBe(vocab + 100);
    const row = logitsAt(logits!, 0, 0);
    const eos = vocab - 1;
    for (const never of [row[eos]!, ...row.subarray(vocab)]) expect(never).toBeLessThan(Math.min(...row.subarray(0, eos)));
  });
});

describe('tiny llama: num_logits_to_keep', () => {
  it('returns logits for the last k positions only (0 keeps all)', async () => {
    const model = await CausalLM.load(await ensureTinyCausalLM({ cacheDir: await tempDir('clm-keep'), variant: 'llama' }));
    const ids = [[5, 80, 120, 9, 44, 17], [6, 81, 121, 10, 45, 18]];
    const all = (await model.run(ids, { keep: 0 }))['logits']!;
    expect(all.dims.slice(0, 2)).toEqual([2, 6]);
    for (const k of [1, 3]) {
      const kept = (await model.run(ids, { keep: k }))['logits']!;
      expect(kept.dims.slice(0, 2)).toEqual([2, k]);
      for (let b = 0; b < 2; b++) {
        for (let i = 0; i < k; i++) expect(maxAbsDiff(logitsAt(kept, b, i), logitsAt(all, b, 6 - k + i))).toBe(0);
      }
    }
  });
});

describe('DISTILGPT2_SHAPE', () => {
  it('describes distilgpt2 dimensions (config only; the weights are not built here)', () => {
    expect(causalLMConfigJson('gpt2', DISTILGPT2_SHAPE, 50256, 1)).toMatchObject({
      model_type: 'gpt2',
      n_embd: 768,
      n_head: 12,
      n_layer: 6,
      n_positions: 1024,
      vocab_size: 50257,
    });
  });
});
