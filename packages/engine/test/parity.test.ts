import { AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer, env, pipeline } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateText } from '../src/generation/run-generation.js';
import { loadModel } from '../src/models/load-model.js';
import { extractEntities } from '../src/ner/extract-entities.js';
import type { TokenClassifier } from '../src/models/token-classifier.js';
import { generate } from '../src/generation/generate.js';
import type { CausalLM } from '../src/models/causal-lm.js';
import { configFor, tinyCausal, tinySeq2Seq, tinyTokenClassifier } from './helpers.js';

/**
 * The reference JS implementation, run offline on the same fixture folders, must produce the
 * same greedy token ids. transformers.js cannot load the unmerged decoder pair (it only knows
 * decoder_model_merged.onnx), so that layout is compared with the merged one in kv-cache tests.
 */
env.allowRemoteModels = false;
env.allowLocalModels = true;

const PROMPTS = [
  'summarize: Maya: we ship on Friday. Omar: I will fix the login bug first.',
  'summarize: the budget review moved to Monday and Lena owns the customer email',
  'translate English to German: the meeting is tomorrow',
];

describe('parity with @huggingface/transformers 4.x', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tinySeq2Seq();
  });

  it('seq2seq (merged decoder): the same greedy token ids', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(dir);
    const reference = await AutoModelForSeq2SeqLM.from_pretrained(dir, { dtype: 'fp32', device: 'cpu' });
    const ours = await loadModel(dir, { intraOpThreads: 1 });
    for (const prompt of PROMPTS) {
      const out = (await reference.generate({ ...tokenizer(prompt), max_new_tokens: 20, do_sample: false })) as { tolist(): bigint[][] };
      // transformers.js returns the decoder start token first.
      let theirs = out.tolist()[0]!.slice(1).map(Number);
      if (theirs.includes(1)) theirs = theirs.slice(0, theirs.indexOf(1)); // their EOS; ours is not returned
      const mine = await generateText(ours, prompt, { maxNewTokens: 20 });
      expect(mine.tokenIds).toEqual(theirs);
      expect(mine.tokenIds.length).toBeGreaterThan(0);
    }
    await reference.dispose();
  });

  it.each(['gpt2', 'llama'] as const)('decoder-only %s: the same greedy token ids, single and in a left-padded batch', async (variant) => {
    const dir = await tinyCausal(variant);
    const tokenizer = await AutoTokenizer.from_pretrained(dir);
    tokenizer.padding_side = 'left';
    const reference = await AutoModelForCausalLM.from_pretrained(dir, { dtype: 'fp32', device: 'cpu' });
    const ours = await loadModel(dir, { intraOpThreads: 1 });
    const prompts = ['The release is planned for Friday and', 'Omar said that the login bug in the new build'];
    for (const prompt of prompts) {
      const inputs = tokenizer(prompt);
      const out = (await reference.generate({ ...inputs, max_new_tokens: 16, do_sample: false })) as { tolist(): bigint[][] };
      const theirs = out.tolist()[0]!.slice((inputs.input_ids as { dims: number[] }).dims[1]).map(Number);
      expect((await generateText(ours, prompt, { maxNewTokens: 16 })).tokenIds).toEqual(theirs);
    }
    const batch = tokenizer(prompts, { padding: true });
    const width = (batch.input_ids as { dims: number[] }).dims[1]!;
    const theirs = ((await reference.generate({ ...batch, max_new_tokens: 16, do_sample: false })) as { tolist(): bigint[][] })
      .tolist()
      .map((row) => row.slice(width).map(Number));
    const mine = await generate(
      ours as CausalLM,
      prompts.map((p) => ({ prompt: (ours as CausalLM).tokenizer.encode(p), config: configFor(ours as CausalLM, { maxNewTokens: 16 }) })),
    );
    expect(mine.map((r) => r.tokenIds)).toEqual(theirs);
    await reference.dispose();
  });

  describe.each(['bert', 'distilbert'] as const)('token classification (%s)', (variant) => {
    const text = 'Angela Merkel met Emmanuel Macron in Paris on Monday. Siemens and the European Union signed a deal in Berlin.';

    it("aggregation 'none': the same label, score and word for every token", async () => {
      const dir = await tinyTokenClassifier(variant);
      const ner = await pipeline('token-classification', dir, { dtype: 'fp32', device: 'cpu' });
      const theirs = (await ner(text, { aggregation_strategy: 'none' })) as { entity: string; score: number; index: number; word: string }[];
      const ours = await extractEntities((await loadModel(dir, { intraOpThreads: 1 })) as TokenClassifier, text, { aggregation: 'none' });
      expect(theirs.length).toBeGreaterThan(3);
      // transformers.js counts [CLS] in `index`; Parley's index is the token's place in the text.
      expect(ours.map((e) => [e.entity, e.index! + 1, e.word])).toEqual(theirs.map((e) => [e.entity, e.index, e.word]));
      ours.forEach((e, i) => expect(e.score).toBeCloseTo(theirs[i]!.score, 5));
      await ner.dispose();
    });

    it("aggregation 'simple': the same groups, scores and words (with no ignored labels, see below)", async () => {
      // transformers.js drops ignored labels before grouping, Python (and Parley) after. With
      // nothing ignored the two group the same tokens, so that is what is compared here.
      const dir = await tinyTokenClassifier(variant);
      const ner = await pipeline('token-classification', dir, { dtype: 'fp32', device: 'cpu' });
      const theirs = (await ner(text, { aggregation_strategy: 'simple', ignore_labels: [] })) as { entity_group: string; score: number; word: string }[];
      const ours = await extractEntities((await loadModel(dir, { intraOpThreads: 1 })) as TokenClassifier, text, { aggregation: 'simple', ignoreLabels: [] });
      expect(theirs.length).toBeGreaterThan(3);
      // A group that starts inside a word is shown by transformers.js (and Python) with its "##"
      // piece marker; Parley shows the text the entity covers, so that word equals its offsets.
      expect(ours.map((e) => [e.entity_group, e.word])).toEqual(theirs.map((e) => [e.entity_group, e.word.replace(/^##/, '')]));
      ours.forEach((e, i) => expect(e.score).toBeCloseTo(theirs[i]!.score, 5));
      for (const e of ours) expect(text.slice(e.start!, e.end!)).toBe(e.word);
      await ner.dispose();
    });
  });
});
