import { readFileSync } from 'node:fs';
import { modelInvalid } from './errors.js';

/** The generation-relevant facts of a model, read from config.json and generation_config.json. */
export interface ModelConfig {
  modelType: string;
  decoderStartTokenId: number;
  eosTokenIds: number[];
  padTokenId: number;
  /** Longest input the model takes, in tokens. */
  maxInputTokens: number;
  /** Present when the folder holds Parley's random-weight test model. */
  isRandomTestModel: boolean;
}

type Json = Record<string, unknown>;

export function readJson(path: string): Json {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not a JSON object');
    return value as Json;
  } catch (err) {
    throw modelInvalid(`${path} is not a valid JSON object: ${(err as Error).message}`, err);
  }
}

function int(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) ? value : undefined;
}

function ids(value: unknown): number[] | undefined {
  if (Array.isArray(value)) return value.filter((v): v is number => int(v) !== undefined);
  const single = int(value);
  return single === undefined ? undefined : [single];
}

/** generation_config.json overrides config.json, as in transformers. */
export function readModelConfig(configPath: string, generationConfigPath: string | null, tokenizerConfig: Json): ModelConfig {
  const config = readJson(configPath);
  const gen = generationConfigPath ? readJson(generationConfigPath) : {};
  const pick = (key: string): unknown => gen[key] ?? config[key];
  const padTokenId = int(pick('pad_token_id')) ?? 0;
  const eosTokenIds = ids(pick('eos_token_id'));
  if (!eosTokenIds?.length) throw modelInvalid(`${configPath} names no eos_token_id`);
  const maxInputTokens =
    int(config['n_positions']) ??
    int(config['max_position_embeddings']) ??
    int(tokenizerConfig['model_max_length']) ??
    512;
  return {
    modelType: typeof config['model_type'] === 'string' ? config['model_type'] : 'unknown',
    decoderStartTokenId: int(pick('decoder_start_token_id')) ?? padTokenId,
    eosTokenIds,
    padTokenId,
    maxInputTokens,
    isRandomTestModel: 'parley_tiny_random_model' in config,
  };
}
