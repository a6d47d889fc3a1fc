import ort from 'onnxruntime-node';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { Batcher } from '../src/generation/batcher.js';
import { generate } from '../src/generation/generate.js';
import type { RowRequest } from '../src/generation/row-request.js';
import type { CausalState } from '../src/models/causal-lm.js';
import { applyGraphEdits } from '../src/models/graph-edits.js';
import { appendSlot, packSlots, SLOT_HEADROOM, slotMask } from '../src/models/kv-slots.js';
import { NEW_KV_PREFIX, returnNewKeyValues } from '../src/models/new-kv-outputs.js';
import { configFor, loadCausal, tinyCausal, tinySeq2Seq, tinyTokenClassifier } from './helpers.js';

/** Runs a decoder-only graph over `ids` with an empty cache and returns its outputs. */
async function prefill(session: ort.InferenceSession, ids: number[]): Promise<ort.InferenceSession.OnnxValueMapType> {
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(i)), [1, ids.length]),
  };
  if (session.inputNames.includes('num_logits_to_keep')) feeds['num_logits_to_keep'] = new ort.Tensor('int64', BigInt64Array.from([1n]), []);
  for (const meta of session.inputMetadata) {
    if (meta.isTensor && meta.name.startsWith('past_key_values.')) feeds[meta.name] = new ort.Tensor('float32', new Float32Array(0), meta.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? 1 : 0)));
  }
  return session.run(feeds);
}

describe('decoder-only graphs edited to return only new cache positions', () => {
  it.each(['gpt2', 'llama'] as const)('%s: the edited graph returns exactly the positions the export appends to its presents', async (variant) => {
    const path = `${await tinyCausal(variant)}/onnx/model.onnx`;
    const edited = applyGraphEdits(await readFile(path), [returnNewKeyValues]);
    expect(edited).not.toBeNull();
    const ids = [5, 9, 14, 3, 22, 7, 40];
    const exported = await prefill(await ort.InferenceSession.create(path), ids);
    const session = await ort.InferenceSession.create(edited!);
    expect(session.outputNames.filter((n) => n.startsWith('present.'))).toEqual([]);
    const fresh = await prefill(session, ids);
    const presents = Object.keys(exported).filter((n) => n.startsWith('present.'));
    expect(presents.length).toBeGreaterThan(0);
    for (const name of presents) {
      const a = exported[name] as ort.Tensor;
      const b = fresh[NEW_KV_PREFIX + name.slice('present.'.length)] as ort.Tensor;
      expect(b.dims).toEqual(a.dims);
      expect(Array.from(b.data as Float32Array)).toEqual(Array.from(a.data as Float32Array));
    }
  });

  it('leaves alone graphs it does not fit: a seq2seq decoder, a token classifier, presents made by a Cast (fp16 fixture)', async () => {
    const edit = async (path: string) => applyGraphEdits(await readFile(path), [returnNewKeyValues]);
    expect(await edit(`${await tinySeq2Seq()}/onnx/decoder_model_merged.onnx`)).toBeNull();
    expect(await edit(`${await tinyTokenClassifier('bert')}/onnx/model.onnx`)).toBeNull();
    expect(await edit(`${await tinyCausal('gpt2', { dtype: 'fp16' })}/onnx/model_fp16.onnx`)).toBeNull();
  });
});

describe.each(['gpt2', 'llama'] as const)('%s: the cache kept in slots', (variant) => {
  const requests = (model: Awaited<ReturnType<typeof loadCausal>>, newTokens: number[]): RowRequest[] =>
    ['The release is planned for Friday and', 'ok', 'Lena will write the notes about the customer meeting on Monday, and after that'].map((text, i) => ({
      prompt: model.tokenizer.encode(text),
      config: configFor(model, { maxNewTokens: newTokens[i]!, minNewTokens: newTokens[i]!, doSample: i === 1, seed: i }),
    }));

  it('generates what the exported presents generate, with rows joining and leaving and the cache outgrowing its headroom', async () => {
    const slots = await loadCausal(variant);
    const exported = await loadCausal(variant, {}, { cacheSlots: false });
    expect(slots.slots).toBe(true);
    expect(exported.slots).toBe(false);
    const newTokens = [SLOT_HEADROOM + 20, 12, SLOT_HEADROOM * 2 + 5];
    const run = async (model: typeof slots) => {
      const batcher = new Batcher(model);
      const [a, b, c] = requests(model, newTokens);
      const first = batcher.submit(a!);
      // The others join a few steps later, one of them leaves long before the rest.
      await new Promise((r) => setTimeout(r, 30));
      return Promise.all([first, batcher.submit(b!), batcher.submit(c!)]);
    };
    const [withSlots, withPresents] = [await run(slots), await run(exported)];
    expect(withSlots.map((r) => r.tokenIds.length)).toEqual(newTokens);
    expect(withSlots.map((r) => r.tokenIds)).toEqual(withPresents.map((r) => r.tokenIds));
  });

  it('a step writes into the same buffers until the cache is full, then grows it by the headroom', async () => {
    const model = await loadCausal(variant);
    const prompt = model.tokenizer.encode('The release is planned for Friday and');
    let out = await model.start([prompt]);
    const buffers = () => Object.values(out.state.past).map((t) => t.data);
    const capacity = (s: CausalState) => Object.values(s.past)[0]!.dims[2]!;
    expect(capacity(out.state)).toBe(prompt.length + SLOT_HEADROOM);
    const first = buffers();
    for (let i = 0; i < SLOT_HEADROOM; i++) {
      out = await model.step(out.state, [7]);
      expect(buffers().every((b, k) => b === first[k])).toBe(true);
    }
    expect(out.state.width).toBe(capacity(out.state));
    out = await model.step(out.state, [7]);
    expect(buffers().some((b, k) => b === first[k])).toBe(false);
    expect(capacity(out.state)).toBe(prompt.length + 2 * SLOT_HEADROOM);
  });

  it('runs to the last position of the context window, as the exported presents do', async () => {
    const slots = await loadCausal(variant);
    const exported = await loadCausal(variant, {}, { cacheSlots: false });
    const prompt = slots.tokenizer.encode('The release is planned for Friday and');
    const newTokens = slots.config.maxInputTokens - prompt.length;
    const run = async (model: typeof slots) =>
      (await generate(model, [{ prompt, config: configFor(model, { maxNewTokens: newTokens, minNewTokens: newTokens }) }]))[0]!.tokenIds;
    const ids = await run(slots);
    expect(ids).toHaveLength(newTokens);
    expect(ids).toEqual(await run(exported));
  });
});

describe('slot buffers for float16 caches (the element type follows the graph)', () => {
  /** [rows, 1 head, capacity, 2] float16 cache whose slot s of row r holds the bits r * 100 + s, twice. */
  const cache = (rows: number, capacity: number, width: number) => {
    const data = new Uint16Array(rows * capacity * 2);
    for (let r = 0; r < rows; r++) for (let s = 0; s < width; s++) data.set([r * 100 + s + 1, r * 100 + s + 1], (r * capacity + s) * 2);
    return { 'past_key_values.0.key': new ort.Tensor('float16', data, [rows, 1, capacity, 2]) };
  };
  const slots = (t: ort.Tensor, row: number) => {
    const [, , capacity] = t.dims as [number, number, number, number];
    return Array.from({ length: capacity }, (_, s) => (t.data as Uint16Array)[(row * capacity + s) * 2]);
  };

  it('packs rows of different widths left-padded, keeps float16, and appends a position in place', () => {
    const a = cache(1, 5, 3);
    const b = cache(2, 4, 2);
    const packed = packSlots([{ past: a, rows: [0], width: 3 }, { past: b, rows: [1, 0], width: 2 }], 3, 6)['past_key_values.0.key']!;
    expect(packed.type).toBe('float16');
    expect(packed.data).toBeInstanceOf(Uint16Array);
    expect(packed.dims).toEqual([3, 1, 6, 2]);
    expect(slots(packed, 0)).toEqual([1, 2, 3, 0, 0, 0]);
    expect(slots(packed, 1)).toEqual([0, 101, 102, 0, 0, 0]);
    expect(slots(packed, 2)).toEqual([0, 1, 2, 0, 0, 0]);
    const fresh = new ort.Tensor('float16', Uint16Array.from([7, 7, 8, 8, 9, 9]), [3, 1, 1, 2]);
    appendSlot({ 'past_key_values.0.key': packed }, { 'past_key_values.0.key': fresh }, 3);
    expect([0, 1, 2].map((r) => slots(packed, r)[3])).toEqual([7, 8, 9]);
    const mask = slotMask([3, 2, 2], 3, 6);
    expect(Array.from(mask.data as BigInt64Array, Number)).toEqual([1, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 0, 1]);
  });
});
