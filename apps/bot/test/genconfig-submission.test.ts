import { PRESETS } from '@parley/settings';
import { describe, expect, it } from 'vitest';
import { submittedState } from '../../../test/helpers/slack-interactions.js';
import { readFormTarget, readGenconfigForm } from '../src/slack/genconfig/genconfig-submission.js';
import { genconfigForm } from '../src/slack/genconfig/genconfig-view.js';

const view = genconfigForm({ target: { team: 'T1', channel: 'C1' }, channel: { temperature: 0.4, shots: 2 }, inherited: {}, last: undefined }) as unknown as Record<string, unknown>;
const read = (entries: Record<string, string | null>) => readGenconfigForm(submittedState(view, entries));

describe('reading a submitted /genconfig form', () => {
  it('sets what is filled in and clears what is empty or on Inherit, over the form\'s settings only', () => {
    expect(read({ decoding: 'sample', top_k: '40', top_p: ' 0.9 ', seed: '7', max_new_tokens: '12', repetition_penalty: '1.2' })).toEqual({
      ok: true,
      changes: { doSample: true, temperature: 0.4, topK: 40, topP: 0.9, maxNewTokens: 12, repetitionPenalty: 1.2, seed: 7, shots: 2 },
    });
    expect(read({ decoding: 'greedy', temperature: null, shots: 'inherit' })).toEqual({
      ok: true,
      changes: { doSample: false, temperature: null, topK: null, topP: null, maxNewTokens: null, repetitionPenalty: null, seed: null, shots: null },
    });
  });

  it('a preset replaces the sampling fields and keeps the rest', () => {
    const reading = read({ decoding: 'greedy', preset: 'creative', seed: '3' });
    expect(reading).toMatchObject({ ok: true, preset: 'creative', changes: { ...PRESETS.creative, seed: 3, shots: 2 } });
  });

  it('reports every bad input under its block, with the setting, the value and the range', () => {
    const reading = read({ temperature: '0', top_p: '1.5', top_k: '2.5', seed: 'abc', decoding: 'wild', shots: '9', preset: 'loud' });
    expect(reading).toEqual({
      ok: false,
      errors: {
        decoding: 'do_sample must be true or false (got wild)',
        temperature: 'temperature must be a number above 0 and at most 100 (got 0)',
        top_k: 'top_k must be an integer from 0 to 100000 (got 2.5)',
        top_p: 'top_p must be a number above 0 and at most 1 (got 1.5)',
        seed: 'seed must be an integer from 0 to 4294967295 (got abc)',
        shots: 'shots must be an integer from 0 to 8 (got 9)',
        preset: 'preset must be one of precise, balanced, creative (got loud).',
      },
    });
  });

  it('refuses a state that is not shaped like a form', () => {
    expect(readGenconfigForm({ decoding: 'sample' })).toMatchObject({ ok: false, errors: { decoding: expect.stringContaining('could not be read') } });
    expect(readGenconfigForm(null)).toMatchObject({ ok: false });
  });

  it('reads the target back from the metadata, and refuses anything else', () => {
    expect(readFormTarget('{"team":"T1","channel":"C1"}')).toEqual({ team: 'T1', channel: 'C1' });
    expect(readFormTarget('{"team":"T1","channel":"C1","extra":1}')).toBeUndefined();
    expect(readFormTarget('{"team":"T1"}')).toBeUndefined();
    expect(readFormTarget('not json')).toBeUndefined();
  });
});
