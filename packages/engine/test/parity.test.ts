import { AutoModelForSeq2SeqLM, AutoTokenizer, env } from '@huggingface/transformers';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateText } from '../src/generation/run-generation.js';
import { loadModel } from '../src/models/load-model.js';
import { tinySeq2Seq } from './helpers.js';

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
});
