import { describe, expect, it } from 'vitest';
import { isCodedError } from '@parley/errors';
import {
  describeRange,
  samplingOnlyNote,
  inRange,
  parseChanges,
  parseSetting,
  parseSettings,
  SETTING_FIELDS,
  SETTING_KEYS,
  SETTING_RANGES,
  SettingsError,
  settingKeyOf,
  settingsSchema,
} from '../src/index.js';

function errorOf(fn: () => unknown): SettingsError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return err as SettingsError;
  }
  throw new Error('expected a SettingsError');
}

describe('settingsSchema', () => {
  it('accepts every field at the edges of its range, and an empty object', () => {
    const edges = {
      doSample: true,
      temperature: 100,
      topK: 100_000,
      topP: 1,
      maxNewTokens: 4096,
      repetitionPenalty: 100,
      seed: 2 ** 32 - 1,
      shots: 8,
      targetLanguage: 'de',
    };
    expect(parseSettings(edges)).toEqual(edges);
    expect(parseSettings({ temperature: 1e-9, topK: 0, topP: 1e-9, maxNewTokens: 1, repetitionPenalty: 1e-9, seed: 0, shots: 0 })).toMatchObject({ topK: 0, seed: 0 });
    expect(parseSettings({})).toEqual({});
  });

  it.each([
    [{ temperature: 0 }, 'temperature must be a number above 0 and at most 100 (got 0)'],
    [{ temperature: 100.5 }, 'temperature must be a number above 0 and at most 100 (got 100.5)'],
    [{ temperature: Number.NaN }, 'temperature must be a number above 0 and at most 100'],
    [{ topP: 0 }, 'top_p must be a number above 0 and at most 1 (got 0)'],
    [{ topP: 1.5 }, 'top_p must be a number above 0 and at most 1 (got 1.5)'],
    [{ topK: -1 }, 'top_k must be an integer from 0 to 100000 (got -1)'],
    [{ topK: 2.5 }, 'top_k must be an integer from 0 to 100000 (got 2.5)'],
    [{ topK: 100_001 }, 'top_k must be an integer from 0 to 100000 (got 100001)'],
    [{ maxNewTokens: 0 }, 'max_new_tokens must be an integer from 1 to 4096 (got 0)'],
    [{ maxNewTokens: 4097 }, 'max_new_tokens must be an integer from 1 to 4096 (got 4097)'],
    [{ repetitionPenalty: -1 }, 'repetition_penalty must be a number above 0 and at most 100 (got -1)'],
    [{ seed: -1 }, 'seed must be an integer from 0 to 4294967295 (got -1)'],
    [{ seed: 2 ** 32 }, 'seed must be an integer from 0 to 4294967295 (got 4294967296)'],
    [{ shots: 9 }, 'shots must be an integer from 0 to 8 (got 9)'],
    [{ doSample: 'yes' }, 'do_sample must be true or false (got yes)'],
    [{ temperature: '0.5' }, 'temperature must be a number above 0 and at most 100 (got 0.5)'],
    [{ targetLanguage: '  ' }, 'target_language must be a language name or code of at most 60 characters'],
    [{ targetLanguage: 'x'.repeat(61) }, 'target_language must be a language name or code of at most 60 characters'],
  ])('refuses %j: "%s"', (input, expected) => {
    expect(settingsSchema.safeParse(input).success).toBe(false);
    const error = errorOf(() => parseSettings(input));
    expect(error.code).toBe('INVALID_VALUE');
    expect(error.userMessage).toContain(expected);
  });

  it('names the setting on the error, and cuts a long value short', () => {
    const error = errorOf(() => parseSettings({ targetLanguage: 'x'.repeat(500) }));
    expect(error.setting).toBe('target_language');
    expect(error.userMessage.length).toBeLessThan(150);
  });

  it('refuses an unknown field, suggesting the closest known one', () => {
    const error = errorOf(() => parseSettings({ temprature: 1 }));
    expect(error.code).toBe('UNKNOWN_SETTING');
    expect(error.userMessage).toContain('Did you mean temperature?');
  });

  it('validates a single field, and changes where null clears a field', () => {
    expect(parseSetting('topP', 0.5)).toBe(0.5);
    expect(errorOf(() => parseSetting('shots', -1)).setting).toBe('shots');
    expect(parseChanges({ topP: null, seed: 3 })).toEqual({ topP: null, seed: 3 });
    expect(errorOf(() => parseChanges({ topP: 2 })).userMessage).toContain('top_p must be');
    expect(errorOf(() => parseChanges('nope')).code).toBe('INVALID_VALUE');
  });

  it('reads keys in snake_case, camelCase and kebab-case', () => {
    expect(settingKeyOf('top_p')).toBe('topP');
    expect(settingKeyOf('topP')).toBe('topP');
    expect(settingKeyOf('max-new-tokens')).toBe('maxNewTokens');
    expect(settingKeyOf('DO_SAMPLE')).toBe('doSample');
    expect(settingKeyOf('target_language')).toBe('targetLanguage');
    expect(settingKeyOf('top')).toBeUndefined();
  });
});

describe('SETTING_RANGES', () => {
  it('is what each field checks and says: the schema, the "allowed" words and the limits come from it', () => {
    for (const key of SETTING_KEYS) {
      const field = SETTING_FIELDS[key];
      const range = SETTING_RANGES[key];
      expect(field.range).toBe(range);
      expect(field.allowed).toBe(describeRange(range, key === 'targetLanguage' ? 'a language name or code' : undefined));
      if (range.kind === 'int' || range.kind === 'number') {
        expect(parseSetting(key, range.max)).toBe(range.max);
        expect(() => parseSetting(key, range.max + (range.kind === 'int' ? 1 : 1e-6))).toThrow(SettingsError);
        if (range.kind === 'number' && range.minExclusive) expect(() => parseSetting(key, range.min)).toThrow(`${field.name} must be ${field.allowed}`);
        else expect(parseSetting(key, range.min)).toBe(range.min);
      }
    }
  });

  it('reads inclusive and exclusive bounds in words and in checks', () => {
    const above = { kind: 'number', min: 0, max: 1, minExclusive: true } as const;
    const from = { kind: 'number', min: -10, max: 10, minExclusive: false } as const;
    expect(describeRange(above)).toBe('a number above 0 and at most 1');
    expect(describeRange(from)).toBe('a number from -10 to 10');
    expect([inRange(above, 0), inRange(above, 1e-9), inRange(from, -10), inRange(from, Number.NaN)]).toEqual([false, true, true, false]);
  });
});

describe('SettingsError', () => {
  it('is a permanent coded error that serialises with its shape', () => {
    const error = errorOf(() => parseSettings({ topK: -1 }));
    expect(isCodedError(error)).toBe(true);
    expect(error.permanent).toBe(true);
    expect(error.name).toBe('SettingsError');
    expect(error.message).toBe(`INVALID_VALUE: ${error.userMessage}`);
    expect(JSON.parse(JSON.stringify(error))).toEqual({ name: 'SettingsError', code: 'INVALID_VALUE', message: error.message, userMessage: error.userMessage, permanent: true });
  });
});

describe('samplingOnlyNote', () => {
  it('names the sampling-only settings a change saved while decoding is greedy', () => {
    expect(samplingOnlyNote(['temperature'], { temperature: 2.5 })).toBe('This channel decodes greedily, so temperature changes nothing until you add `sample`.');
    expect(samplingOnlyNote(['topK', 'topP', 'maxNewTokens'], { doSample: false, topK: 4, topP: 0.5, maxNewTokens: 9 })).toBe(
      'This channel decodes greedily, so top_k and top_p change nothing until you add `sample`.',
    );
  });

  it('says nothing when sampling, or when nothing sampling-only was set', () => {
    expect(samplingOnlyNote(['temperature'], { doSample: true, temperature: 2.5 })).toBe('');
    expect(samplingOnlyNote(['maxNewTokens'], { maxNewTokens: 9 })).toBe('');
    expect(samplingOnlyNote([], {})).toBe('');
  });
});
