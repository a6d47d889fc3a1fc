import ort from 'onnxruntime-node';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generate } from '../src/generation/generate.js';
import { trimLogitsToLast } from '../src/models/trim-logits.js';
import { configFor, loadCausal, tinyCausal, tinyTokenClassifier } from './helpers.js';

async function prefill(session: ort.InferenceSession, ids: number[]): Promise<ort.Tensor> {
  const feeds: Record<string, ort.Tensor> = {
    input_ids: new ort.Tensor('int64', BigInt64Array.from(ids, BigInt), [1, ids.length]),
    attention_mask: new ort.Tensor('int64', new BigInt64Array(ids.length).fill(1n), [1, ids.length]),
    position_ids: new ort.Tensor('int64', BigInt64Array.from(ids, (_, i) => BigInt(i)), [1, ids.length]),
  };
  for (const meta of session.inputMetadata) {
    if (meta.isTensor && meta.name.startsWith('past_key_values.')) feeds[meta.name] = new ort.Tensor('float32', new Float32Array(0), meta.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? 1 : 0)));
  }
  return (await session.run(feeds))['logits'] as ort.Tensor;
}

describe('trimming a decoder-only graph to last-position logits at load', () => {
  it('returns one position of logits, equal to the last row of the untrimmed graph', async () => {
    const path = `${await tinyCausal('gpt2')}/onnx/model.onnx`;
    const bytes = await readFile(path);
    const trimmed = trimLogitsToLast(bytes);
    expect(trimmed).not.toBeNull();
    const full = await ort.InferenceSession.create(path);
    const last = await ort.InferenceSession.create(trimmed!);
    const ids = [5, 9, 14, 3, 22, 7, 40];
    const a = await prefill(full, ids);
    const b = await prefill(last, ids);
    const vocab = a.dims[2]!;
    expect(a.dims).toEqual([1, ids.length, vocab]);
    expect(b.dims).toEqual([1, 1, vocab]);
    const lastRow = (a.data as Float32Array).subarray((ids.length - 1) * vocab);
    let worst = 0;
    (b.data as Float32Array).forEach((v, i) => (worst = Math.max(worst, Math.abs(v - lastRow[i]!))));
    expect(worst).toBeLessThan(1e-5);
  });

  it('leaves graphs alone that have num_logits_to_keep (llama), no cache (a token classifier) or external weights', async () => {
    expect(trimLogitsToLast(await readFile(`${await tinyCausal('llama')}/onnx/model.onnx`))).toBeNull();
    expect(trimLogitsToLast(await readFile(`${await tinyTokenClassifier('bert')}/onnx/model.onnx`))).toBeNull();
    expect(trimLogitsToLast(await readFile(`${await tinyCausal('gpt2', { externalData: true })}/onnx/model.onnx`))).toBeNull();
  });

  it('a model loaded trimmed generates exactly what the untouched export generates', async () => {
    const trimmed = await loadCausal('gpt2');
    const asExported = await loadCausal('gpt2', {}, { trimLogits: false });
    const prompts = ['The release is planned for Friday and', 'ok'].map((p) => trimmed.tokenizer.encode(p));
    const run = (model: typeof trimmed) => generate(model, prompts.map((prompt) => ({ prompt, config: configFor(model, { maxNewTokens: 10 }) })));
    expect((await run(trimmed)).map((r) => r.tokenIds)).toEqual((await run(asExported)).map((r) => r.tokenIds));
  });
});
