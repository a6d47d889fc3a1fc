import { PRESETS, SETTING_KEYS, type Settings } from '@parley/settings';
import { describe, expect, it } from 'vitest';
import { generationFrom, generationSettingsSchema, replySuccessSchema, requestJobSchema, TASKS, taskSchema } from '../src/index.js';

/** A value for every setting, none of them a default, so a dropped or leaked field shows. */
const EVERY_SETTING: Required<Settings> = {
  doSample: true,
  temperature: 0.3,
  topK: 7,
  topP: 0.8,
  maxNewTokens: 99,
  repetitionPenalty: 1.2,
  seed: 42,
  shots: 2,
  targetLanguage: 'German',
};

describe('generationFrom', () => {
  it('carries every decoding setting, named one by one, and not the target language', () => {
    expect(Object.keys(EVERY_SETTING).sort()).toEqual([...SETTING_KEYS].sort());
    const generation = generationFrom(EVERY_SETTING, 128);
    expect(generation).toEqual({ ...EVERY_SETTING, targetLanguage: undefined });
    expect(generation).not.toHaveProperty('targetLanguage');
  });

  it('gives exactly the fields the job schema knows', () => {
    const generation = generationFrom(EVERY_SETTING, 128);
    expect(Object.keys(generation).sort()).toEqual(Object.keys(generationSettingsSchema.shape).sort());
    expect(generationSettingsSchema.parse(generation)).toEqual(generation);
  });

  it('leaves unset fields absent (not undefined) and falls back to the default length', () => {
    const generation = generationFrom({ temperature: 0.5, targetLanguage: 'French' }, 64);
    expect(generation).toStrictEqual({ maxNewTokens: 64, temperature: 0.5 });
    expect(Object.keys(generationFrom({}, 64))).toEqual(['maxNewTokens']);
    expect(generationFrom(PRESETS.creative, 64)).toStrictEqual({ maxNewTokens: 64, ...PRESETS.creative });
  });
});

describe('the task list', () => {
  it('is the one list the request jobs, the reply and the task schema are made of', () => {
    expect(taskSchema.options).toEqual([...TASKS]);
    expect(requestJobSchema.options.map((o) => o.shape.task.value)).toEqual([...TASKS]);
    expect(replySuccessSchema.shape.task.options).toEqual([...TASKS]);
  });
});
