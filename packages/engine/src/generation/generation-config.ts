import { invalidOption } from '../errors.js';
import type { GenerationOptions, ModelGenerationDefaults } from '../generation-options.js';

/** Validated and frozen: what one generation actually runs with. */
export type GenerationConfig = Readonly<GenerationOptions> & {
  readonly eosTokenIds: readonly number[];
  readonly padTokenId: number;
  readonly decoderStartTokenId: number;
  readonly forcedBosTokenId: number | null;
  readonly forcedEosTokenId: number | null;
  readonly badWordsIds: readonly (readonly number[])[];
};

export const LIMITS = {
  maxNewTokens: 4096,
  maxTemperature: 100,
  maxTopK: 100_000,
  maxRepetitionPenalty: 100,
  maxNgram: 32,
  maxStops: 8,
  maxStopLength: 200,
  maxBeams: 16,
} as const;

export const DEFAULTS: Readonly<GenerationOptions> = Object.freeze({
  maxNewTokens: 128,
  minNewTokens: 0,
  doSample: false,
  temperature: 1,
  // Hugging Face's default: sampling draws from the 50 most likely tokens unless told otherwise.
  topK: 50,
  topP: 1,
  repetitionPenalty: 1,
  noRepeatNgramSize: 0,
  stop: [],
  seed: 0,
  numBeams: 1,
  lengthPenalty: 1,
});

function int(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw invalidOption(name, value, `an integer from ${min} to ${max}`);
  }
  return value;
}

function num(name: string, value: unknown, allowed: string, ok: (v: number) => boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || !ok(value)) throw invalidOption(name, value, allowed);
  return value;
}

function randomSeed(): number {
  return Math.floor(Math.random() * 2 ** 32);
}

/**
 * Layers the model's generation_config under the request's options, checks every value, and
 * freezes the result. Every bad value names the parameter, the value and the allowed range.
 */
export function resolveGenerationConfig(model: ModelGenerationDefaults, request: Partial<GenerationOptions> = {}): GenerationConfig {
  const o = { ...DEFAULTS, ...model.options, ...request };
  const maxNewTokens = int('max_new_tokens', o.maxNewTokens, 1, LIMITS.maxNewTokens);
  const minNewTokens = int('min_new_tokens', o.minNewTokens, 0, maxNewTokens);
  if (typeof o.doSample !== 'boolean') throw invalidOption('do_sample', o.doSample, 'true or false');
  const temperature = num('temperature', o.temperature, `a number above 0 and at most ${LIMITS.maxTemperature}`, (v) => v > 0 && v <= LIMITS.maxTemperature);
  const topK = int('top_k', o.topK, 0, LIMITS.maxTopK);
  const topP = num('top_p', o.topP, 'a number above 0 and at most 1', (v) => v > 0 && v <= 1);
  const repetitionPenalty = num(
    'repetition_penalty',
    o.repetitionPenalty,
    `a number above 0 and at most ${LIMITS.maxRepetitionPenalty}`,
    (v) => v > 0 && v <= LIMITS.maxRepetitionPenalty,
  );
  const noRepeatNgramSize = int('no_repeat_ngram_size', o.noRepeatNgramSize, 0, LIMITS.maxNgram);
  const numBeams = int('num_beams', o.numBeams, 1, LIMITS.maxBeams);
  const lengthPenalty = num('length_penalty', o.lengthPenalty, 'a number from -10 to 10', (v) => v >= -10 && v <= 10);
  const seed = int('seed', request.seed ?? model.options.seed ?? randomSeed(), 0, 2 ** 32 - 1);
  if (!Array.isArray(o.stop) || o.stop.length > LIMITS.maxStops || o.stop.some((s) => typeof s !== 'string' || s.length === 0 || s.length > LIMITS.maxStopLength)) {
    throw invalidOption('stop', JSON.stringify(o.stop), `up to ${LIMITS.maxStops} non-empty strings of at most ${LIMITS.maxStopLength} characters`);
  }
  if (numBeams > 1 && o.doSample) throw invalidOption('num_beams', numBeams, '1 when do_sample is true (beam sampling is not supported)');
  return Object.freeze({
    maxNewTokens,
    minNewTokens,
    doSample: o.doSample,
    temperature,
    topK,
    topP,
    repetitionPenalty,
    noRepeatNgramSize,
    stop: Object.freeze([...o.stop]) as string[],
    seed,
    numBeams,
    lengthPenalty,
    eosTokenIds: Object.freeze([...model.eosTokenIds]),
    padTokenId: model.padTokenId,
    decoderStartTokenId: model.decoderStartTokenId,
    forcedBosTokenId: model.forcedBosTokenId,
    forcedEosTokenId: model.forcedEosTokenId,
    badWordsIds: Object.freeze(model.badWordsIds.map((w) => Object.freeze([...w]))),
  });
}
