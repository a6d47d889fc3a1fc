import { Engine } from '@parley/engine';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../src/models/load-model.js';
import type { TokenClassifier } from '../src/models/token-classifier.js';
import { extractEntities } from '../src/ner/extract-entities.js';
import { tinySeq2Seq, tinyTokenClassifier } from './helpers.js';

const SENTENCE = 'Angela Merkel met Emmanuel Macron in Paris on Monday, and Siemens signed a deal with the European Union in Berlin. ';

describe('entity extraction on a token-classification export', () => {
  it('every entity carries its label, a score in (0, 1], and offsets whose text is its word, for each strategy', async () => {
    const model = (await loadModel(await tinyTokenClassifier('bert'), { intraOpThreads: 1 })) as TokenClassifier;
    const text = `Zoë Müller 👋 joined ${SENTENCE}`;
    for (const aggregation of ['none', 'simple', 'first', 'average', 'max'] as const) {
      const entities = await extractEntities(model, text, { aggregation });
      expect(entities.length).toBeGreaterThan(0);
      for (const e of entities) {
        expect(e.score).toBeGreaterThan(0);
        expect(e.score).toBeLessThanOrEqual(1);
        expect(model.config.id2label[0]).toBe('O');
        if (aggregation !== 'none') expect(text.slice(e.start!, e.end!)).toBe(e.word);
        expect(e.entity ?? e.entity_group).not.toBe('O');
      }
    }
  });

  it('a text longer than the model window is windowed: it is covered to the end, and nothing is found twice', async () => {
    const model = (await loadModel(await tinyTokenClassifier('distilbert'), { intraOpThreads: 1 })) as TokenClassifier;
    const text = SENTENCE.repeat(40);
    const tokens = model.tokenizer.encodeTokens(text, false).ids.length;
    expect(tokens).toBeGreaterThan(model.config.maxInputTokens);
    const entities = await extractEntities(model, text, { aggregation: 'first' });
    expect(Math.max(...entities.map((e) => e.end!))).toBeGreaterThan(text.length * 0.95);
    const spans = entities.map((e) => `${e.start}-${e.end}`);
    expect(new Set(spans).size).toBe(spans.length);
    for (let i = 1; i < entities.length; i++) expect(entities[i]!.start!).toBeGreaterThanOrEqual(entities[i - 1]!.end!);
  });

  it('small overlapping windows still give valid, ordered entities, each once', async () => {
    const model = (await loadModel(await tinyTokenClassifier('bert'), { intraOpThreads: 1 })) as TokenClassifier;
    // A bidirectional model sees less context in a small window, so predictions may shift; the
    // offsets must still be valid, in order and without duplicates across window boundaries.
    const windowed = await extractEntities(model, SENTENCE, { aggregation: 'simple', windowTokens: 12, stride: 4 });
    expect(windowed.length).toBeGreaterThan(0);
    for (const e of windowed) expect(SENTENCE.slice(e.start!, e.end!)).toBe(e.word);
    for (let i = 1; i < windowed.length; i++) expect(windowed[i]!.start!).toBeGreaterThanOrEqual(windowed[i - 1]!.end!);
  });

  it('through the Engine thread, and a clear error when the model is of the other kind', async () => {
    const ner = await Engine.start(await tinyTokenClassifier('bert'), { intraOpThreads: 1 });
    const writer = await Engine.start(await tinySeq2Seq(), { intraOpThreads: 1 });
    try {
      expect(ner.info.family).toBe('token-classification');
      const viaThread = await ner.extractEntities(SENTENCE);
      const direct = await extractEntities((await loadModel(await tinyTokenClassifier('bert'), { intraOpThreads: 1 })) as TokenClassifier, SENTENCE);
      expect(viaThread).toEqual(direct);
      await expect(ner.generate('hello')).rejects.toMatchObject({ code: 'WRONG_TASK', userMessage: 'This model extracts entities; it cannot write text.' });
      await expect(writer.extractEntities('hello')).rejects.toMatchObject({ code: 'WRONG_TASK' });
    } finally {
      await Promise.all([ner.close(), writer.close()]);
    }
  });
});
