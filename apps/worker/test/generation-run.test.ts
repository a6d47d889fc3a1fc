import type { Engine, GenerationOptions } from '@parley/engine';
import type { GenerationSettings } from '@parley/jobs';
import { describe, expect, it } from 'vitest';
import { addRun, decodingOptions, NO_RUN, runGeneration } from '../src/tasks/generation-run.js';

/** Every generation setting set, none to an engine default, so a dropped or leaked field shows. */
const EVERY: Required<GenerationSettings> = {
  maxNewTokens: 33,
  shots: 3,
  doSample: true,
  temperature: 0.4,
  topK: 11,
  topP: 0.7,
  repetitionPenalty: 1.3,
  seed: 9,
};

describe('decodingOptions', () => {
  it('carries every decoding field to the engine by name, and not the shots (they shape the prompt)', () => {
    const options = decodingOptions(EVERY);
    expect(options).toEqual({ ...EVERY, shots: undefined });
    expect(options).not.toHaveProperty('shots');
    expect(Object.keys(options)).toHaveLength(Object.keys(EVERY).length - 1);
  });

  it('leaves unset fields absent, so the model’s generation_config decides them', () => {
    expect(decodingOptions({ maxNewTokens: 5, shots: 1 })).toStrictEqual({ maxNewTokens: 5 });
    expect(decodingOptions({ maxNewTokens: 5, doSample: false, topK: 0 })).toStrictEqual({ maxNewTokens: 5, doSample: false, topK: 0 });
  });
});

describe('runGeneration', () => {
  it('asks the engine with the decoding options and the stop strings, and reports the figures', async () => {
    const requests: Partial<GenerationOptions>[] = [];
    const engine = {
      generate: async (_prompt: string, request: Partial<GenerationOptions>) => {
        requests.push(request);
        return { text: 'done', promptTokens: 12, tokenIds: [1, 2, 3] };
      },
    } as unknown as Engine;
    const run = await runGeneration(engine, 'prompt', EVERY, ['\n\n']);
    expect(requests).toEqual([{ ...EVERY, shots: undefined, stop: ['\n\n'] }]);
    expect(requests[0]).not.toHaveProperty('shots');
    expect(run).toMatchObject({ text: 'done', promptTokens: 12, newTokens: 3 });
  });

  it('totals runs: the latest text, the figures summed', () => {
    const a = { text: 'a', promptTokens: 1, newTokens: 2, generationMs: 3 };
    const b = { text: 'b', promptTokens: 10, newTokens: 20, generationMs: 30 };
    expect(addRun(addRun(NO_RUN, a), b)).toEqual({ text: 'b', promptTokens: 11, newTokens: 22, generationMs: 33 });
  });
});
