import { readFileSync } from 'node:fs';
import { modelInvalid } from '../errors.js';
import type { GenerationOptions, ModelGenerationDefaults } from '../generation-options.js';

/** What the engine needs from config.json, generation_config.json and tokenizer_config.json. */
export interface ModelConfig {
  modelType: string;
  /** Longest input the model takes, in tokens. */
  maxInputTokens: number;
  /** Present when the folder holds Parley's random-weight test model. */
  isRandomTestModel: boolean;
  generation: ModelGenerationDefaults;
  /** Token-classification labels by class index. */
  id2label: Record<number, string>;
  /** The Jinja chat template of instruct models (tokenizer_config.json), with its special tokens. */
  chat: { template: string; bosToken?: string; eosToken?: string } | null;
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

const int = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) ? v : undefined);
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const ids = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is number => int(x) !== undefined) : int(v) === undefined ? undefined : [v as number]);

/** generation_config.json settings a model may carry, mapped onto request options. */
function generationOptions(pick: (key: string) => unknown): Partial<GenerationOptions> {
  const out: Partial<GenerationOptions> = {};
  const set = <K extends keyof GenerationOptions>(key: K, value: GenerationOptions[K] | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('numBeams', int(pick('num_beams')));
  set('doSample', typeof pick('do_sample') === 'boolean' ? (pick('do_sample') as boolean) : undefined);
  set('temperature', num(pick('temperature')));
  set('topK', int(pick('top_k')));
  set('topP', num(pick('top_p')));
  set('repetitionPenalty', num(pick('repetition_penalty')));
  set('noRepeatNgramSize', int(pick('no_repeat_ngram_size')));
  set('lengthPenalty', num(pick('length_penalty')));
  set('maxNewTokens', int(pick('max_new_tokens')));
  set('minNewTokens', int(pick('min_new_tokens')));
  return out;
}

/** generation_config.json overrides config.json, as in transformers. */
export function readModelConfig(configPath: string, generationConfigPath: string | null, tokenizerConfig: Json): ModelConfig {
  const config = readJson(configPath);
  const gen = generationConfigPath ? readJson(generationConfigPath) : {};
  const pick = (key: string): unknown => gen[key] ?? config[key];
  const eosTokenIds = ids(pick('eos_token_id')) ?? [];
  const padTokenId = int(pick('pad_token_id')) ?? eosTokenIds[0] ?? 0;
  const badWordsIds = Array.isArray(pick('bad_words_ids'))
    ? (pick('bad_words_ids') as unknown[]).map(ids).filter((w): w is number[] => Boolean(w?.length))
    : [];
  const id2label: Record<number, string> = {};
  for (const [k, v] of Object.entries((config['id2label'] as Record<string, unknown> | undefined) ?? {})) {
    if (typeof v === 'string') id2label[Number(k)] = v;
  }
  const tokenText = (v: unknown) => (typeof v === 'string' ? v : typeof (v as { content?: unknown })?.content === 'string' ? (v as { content: string }).content : undefined);
  const template = tokenizerConfig['chat_template'];
  const bos = tokenText(tokenizerConfig['bos_token']);
  const eos = tokenText(tokenizerConfig['eos_token']);
  return {
    chat: typeof template === 'string' ? { template, ...(bos && { bosToken: bos }), ...(eos && { eosToken: eos }) } : null,
    modelType: typeof config['model_type'] === 'string' ? config['model_type'] : 'unknown',
    maxInputTokens:
      int(config['n_positions']) ??
      int(config['max_position_embeddings']) ??
      int(config['n_ctx']) ??
      int(tokenizerConfig['model_max_length']) ??
      512,
    isRandomTestModel: 'parley_tiny_random_model' in config,
    id2label,
    generation: {
      eosTokenIds,
      padTokenId,
      decoderStartTokenId: int(pick('decoder_start_token_id')) ?? padTokenId,
      forcedBosTokenId: int(pick('forced_bos_token_id')) ?? null,
      forcedEosTokenId: int(pick('forced_eos_token_id')) ?? null,
      badWordsIds,
      options: generationOptions(pick),
    },
  };
}
