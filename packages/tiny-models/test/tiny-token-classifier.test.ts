import { Tokenizer } from '@huggingface/tokenizers';
import ort from 'onnxruntime-node';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTinyTokenClassifier, NER_LABELS, type TokenClassifierVariant } from '../src/index.js';
import { argmax, int64, listFiles, logitsAt, maxAbsDiff, mtimes, readJson, signature, tempDir, type Feeds } from './helpers.js';

const SENTENCE = 'On Monday Maya Lopez met Sarah Chen from Google in Paris, and they agreed to ship the new release before the customer in London sent a friendly message';

describe.each<TokenClassifierVariant>(['bert', 'distilbert'])('tiny token classifier, %s', (variant) => {
  let cacheDir: string;
  let dir: string;
  let session: ort.InferenceSession;
  let tokenizer: Tokenizer;

  beforeAll(async () => {
    cacheDir = await tempDir(`ner-${variant}`);
    dir = await ensureTinyTokenClassifier({ cacheDir, variant });
    session = await ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx'));
    tokenizer = new Tokenizer(await readJson(dir, 'tokenizer.json'), await readJson(dir, 'tokenizer_config.json'));
  });

  /** Runs rows padded on the right with [PAD] (id 0); `mask` defaults to 1 on real tokens only. */
  const run = (rows: number[][], options: { mask?: number[][] } = {}) => {
    const width = Math.max(...rows.map((r) => r.length));
    const padded = rows.map((r) => [...r, ...new Array<number>(width - r.length).fill(0)]);
    const feeds: Feeds = {
      input_ids: int64(padded),
      attention_mask: int64(options.mask ?? rows.map((r) => padded[0]!.map((_: number, i: number) => (i < r.length ? 1 : 0)))),
    };
    if (variant === 'bert') feeds['token_type_ids'] = int64(padded.map((r) => r.map(() => 0)));
    return session.run(feeds);
  };

  it('writes the Optimum token-classification layout with the standard names, types and shapes', async () => {
    expect(await listFiles(dir)).toEqual(['config.json', 'onnx/model.onnx', 'tokenizer.json', 'tokenizer_config.json']);
    const ids = ['input_ids', 'attention_mask', ...(variant === 'bert' ? ['token_type_ids'] : [])];
    expect(session.inputNames).toEqual(ids);
    expect(session.outputNames).toEqual(['logits']);
    expect(signature(session)).toEqual({
      inputs: ids.map((n) => `${n}: int64 [batch_size, sequence_length]`),
      outputs: ['logits: float32 [batch_size, sequence_length, 9]'],
    });
  });

  it('writes a config.json with the CoNLL labels both ways and 512 positions', async () => {
    const config = await readJson(dir, 'config.json');
    expect(config['model_type']).toBe(variant);
    expect(config['id2label']).toEqual({ 0: 'O', 1: 'B-MISC', 2: 'I-MISC', 3: 'B-PER', 4: 'I-PER', 5: 'B-ORG', 6: 'I-ORG', 7: 'B-LOC', 8: 'I-LOC' });
    expect(config['label2id']).toEqual(Object.fromEntries(NER_LABELS.map((l, i) => [l, i])));
    expect(config['max_position_embeddings']).toBe(512);
    const vocab = (await readJson<{ model: { vocab: object } }>(dir, 'tokenizer.json')).model.vocab;
    expect(config['vocab_size']).toBe(Object.keys(vocab).length);
    expect(config).toMatchObject(variant === 'bert' ? { hidden_size: 32, num_attention_heads: 4, num_hidden_layers: 2 } : { dim: 32, n_heads: 4, n_layers: 2 });
  });

  it('labels a 30-token sentence with at least 3 distinct labels, "O" among them', async () => {
    const { ids } = tokenizer.encode(SENTENCE);
    expect(ids.length).toBeGreaterThanOrEqual(30);
    const logits = (await run([ids]))['logits']!;
    const labels = ids.map((_: number, i: number) => NER_LABELS[argmax(logitsAt(logits, 0, i))]);
    expect(new Set(labels).size, labels.join(' ')).toBeGreaterThanOrEqual(3);
    expect(labels).toContain('O');
  });

  it('honors attention_mask: a right-padded batch gives each sentence its logits alone; unmasked padding changes them', async () => {
    const long = tokenizer.encode(SENTENCE).ids;
    const short = tokenizer.encode('Omar fixed the test.').ids;
    const batch = (await run([long, short]))['logits']!;
    const alone = (await run([short]))['logits']!;
    let worst = 0;
    for (let i = 0; i < short.length; i++) worst = Math.max(worst, maxAbsDiff(logitsAt(batch, 1, i), logitsAt(alone, 0, i)));
    expect(worst).toBeLessThan(1e-4);

    const unmasked = (await run([long, short], { mask: [long.map(() => 1), long.map(() => 1)] }))['logits']!;
    expect(maxAbsDiff(logitsAt(unmasked, 1, 0), logitsAt(alone, 0, 0))).toBeGreaterThan(1e-3);
  });

  it('is deterministic per seed, and reuses a cached folder without rewriting it', async () => {
    const other = await tempDir(`ner-${variant}-det`);
    const [same, reseeded] = await Promise.all([
      ensureTinyTokenClassifier({ cacheDir: other, variant }),
      ensureTinyTokenClassifier({ cacheDir: other, variant, seed: 5 }),
    ]);
    for (const file of await listFiles(dir)) expect((await readFile(join(dir, file))).equals(await readFile(join(same, file))), file).toBe(true);
    const model = (d: string) => readFile(join(d, 'onnx', 'model.onnx'));
    expect((await model(dir)).equals(await model(reseeded))).toBe(false);

    const before = await mtimes(dir);
    expect(await ensureTinyTokenClassifier({ cacheDir, variant })).toBe(dir);
    expect(await mtimes(dir)).toEqual(before);
  });
});

describe('tiny token classifier, bert token types', () => {
  it('uses token_type_ids', async () => {
    const dir = await ensureTinyTokenClassifier({ cacheDir: await tempDir('ner-types'), variant: 'bert' });
    const session = await ort.InferenceSession.create(join(dir, 'onnx', 'model.onnx'));
    const ids = [2, 40, 41, 42, 3];
    const run = async (type: number) =>
      (await session.run({ input_ids: int64(ids), attention_mask: int64(ids.map(() => 1)), token_type_ids: int64(ids.map(() => type)) }))['logits']!;
    expect(maxAbsDiff(logitsAt(await run(0), 0, 1), logitsAt(await run(1), 0, 1))).toBeGreaterThan(1e-3);
  });
});
