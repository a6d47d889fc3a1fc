import { GENERATION_LIMITS } from '@parley/engine';
import { generationSettingsSchema } from '@parley/jobs';
import { modelRegistrySchema } from '@parley/models';
import { parseSetting, SETTING_FIELDS, SETTING_KEYS, SETTING_RANGES, SettingsError, type SettingKey, type SettingRange } from '@parley/settings';
import { describe, expect, it } from 'vitest';
// The engine checks each value itself, with ranges written in its own code (it imports no Parley package).
import { resolveGenerationConfig } from '../packages/engine/src/generation/generation-config.js';

/**
 * The settings contract (packages/settings' SETTING_RANGES) is the one place ranges are written
 * for users, the job contract and the model registry; the engine keeps its own copy. These tests
 * fail when either side moves alone.
 */

/** A model whose generation_config sets nothing, so the request's value is the one checked. */
const MODEL: Parameters<typeof resolveGenerationConfig>[0] = {
  eosTokenIds: [1],
  padTokenId: 0,
  decoderStartTokenId: 0,
  forcedBosTokenId: null,
  forcedEosTokenId: null,
  badWordsIds: [],
  options: {},
};

/** The settings that are engine options (shots shape the prompt; the target language picks the task's language). */
const ENGINE_KEYS = SETTING_KEYS.filter((k): k is Exclude<SettingKey, 'shots' | 'targetLanguage'> => k !== 'shots' && k !== 'targetLanguage');
/** The settings the job carries. */
const JOB_KEYS = SETTING_KEYS.filter((k): k is Exclude<SettingKey, 'targetLanguage'> => k !== 'targetLanguage');

type Numeric = Extract<SettingRange, { kind: 'int' | 'number' }>;

/** Values at each edge of a numeric range: the last accepted and the first refused on either side. */
function edges(range: Numeric): { accepted: number[]; refused: number[] } {
  const step = range.kind === 'int' ? 1 : 1e-6;
  const exclusive = range.kind === 'number' && range.minExclusive;
  return {
    accepted: [range.max, exclusive ? range.min + step : range.min],
    refused: [range.max + step, exclusive ? range.min : range.min - step, ...(range.kind === 'int' ? [range.min + 0.5] : [])],
  };
}

function engineAccepts(key: (typeof ENGINE_KEYS)[number], value: unknown): boolean {
  try {
    resolveGenerationConfig(MODEL, { [key]: value });
    return true;
  } catch (err) {
    // The engine names the parameter as the settings do, and the range in the same words.
    expect((err as Error).message).toContain(`${SETTING_FIELDS[key].name}=`);
    expect((err as Error).message).toContain(`expected ${SETTING_FIELDS[key].allowed}`);
    return false;
  }
}

function settingsAccepts(key: SettingKey, value: unknown): boolean {
  try {
    parseSetting(key, value);
    return true;
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return false;
  }
}

function jobAccepts(key: (typeof JOB_KEYS)[number], value: unknown): boolean {
  return generationSettingsSchema.safeParse({ maxNewTokens: 1, [key]: value }).success;
}

describe('the settings contract and the engine', () => {
  it("the engine's GENERATION_LIMITS are the contract's maxima, field by field", () => {
    expect({
      maxNewTokens: GENERATION_LIMITS.maxNewTokens,
      maxTemperature: GENERATION_LIMITS.maxTemperature,
      maxTopK: GENERATION_LIMITS.maxTopK,
      maxRepetitionPenalty: GENERATION_LIMITS.maxRepetitionPenalty,
    }).toEqual({
      maxNewTokens: SETTING_RANGES.maxNewTokens.max,
      maxTemperature: SETTING_RANGES.temperature.max,
      maxTopK: SETTING_RANGES.topK.max,
      maxRepetitionPenalty: SETTING_RANGES.repetitionPenalty.max,
    });
  });

  it.each(ENGINE_KEYS)('%s: the engine accepts and refuses exactly what the settings parser does, at every edge', (key) => {
    const range = SETTING_RANGES[key];
    if (range.kind === 'boolean') {
      for (const value of [true, false]) expect([engineAccepts(key, value), settingsAccepts(key, value)]).toEqual([true, true]);
      expect([engineAccepts(key, 'yes'), settingsAccepts(key, 'yes')]).toEqual([false, false]);
      return;
    }
    const { accepted, refused } = edges(range);
    for (const value of accepted) expect({ value, engine: engineAccepts(key, value), settings: settingsAccepts(key, value) }).toEqual({ value, engine: true, settings: true });
    for (const value of refused) expect({ value, engine: engineAccepts(key, value), settings: settingsAccepts(key, value) }).toEqual({ value, engine: false, settings: false });
  });
});

describe('the settings contract and the job contract', () => {
  it("the job's generation settings are the contract's decoding settings", () => {
    expect(Object.keys(generationSettingsSchema.shape).sort()).toEqual([...JOB_KEYS].sort());
  });

  it.each(JOB_KEYS)('%s: the job schema accepts and refuses exactly what the settings parser does', (key) => {
    const range = SETTING_RANGES[key];
    if (range.kind === 'boolean') {
      expect([jobAccepts(key, true), jobAccepts(key, false), jobAccepts(key, 'yes')]).toEqual([true, true, false]);
      return;
    }
    const { accepted, refused } = edges(range);
    for (const value of [...accepted, ...refused]) expect({ value, job: jobAccepts(key, value) }).toEqual({ value, job: settingsAccepts(key, value) });
    expect(refused.some((v) => jobAccepts(key, v))).toBe(false);
  });

  it("a model registry's default length has the contract's range", () => {
    const { accepted, refused } = edges(SETTING_RANGES.maxNewTokens);
    const registryAccepts = (maxNewTokens: number) => modelRegistrySchema.safeParse({ models: { m: { path: '/m', defaults: { maxNewTokens } } }, tasks: {} }).success;
    expect(accepted.map(registryAccepts)).toEqual(accepted.map(() => true));
    expect(refused.map(registryAccepts)).toEqual(refused.map(() => false));
  });
});
