import { EngineError, promptTooLong } from '../errors.js';
import type { GenerationOptions } from '../generation-options.js';
import type { GenerativeModel } from '../models/generative-model.js';
import type { LoadedModel } from '../models/load-model.js';
import { beamSearch } from './beam-search.js';
import { generate } from './generate.js';
import { resolveGenerationConfig, type GenerationConfig } from './generation-config.js';
import type { GenerationResult, RowRequest } from './row-request.js';

export interface TextGenerationResult extends GenerationResult {
  /** The settings this generation ran with, seed included, so a reply can show and reproduce them. */
  settings: GenerationConfig;
}

export function asGenerative(model: LoadedModel): GenerativeModel {
  if (model.kind === 'token-classification') {
    throw new EngineError('WRONG_TASK', `${model.config.modelType} is a token-classification model; it cannot generate text`, 'This model extracts entities; it cannot write text.');
  }
  return model as GenerativeModel;
}

/** Validates the request against the model, then runs greedy/sampled decoding or beam search. */
export async function generateText(
  loaded: LoadedModel,
  prompt: string,
  options: Partial<GenerationOptions>,
  hooks: Pick<RowRequest, 'onText' | 'signal' | 'onStepLogits'> = {},
  /** Where greedy and sampled requests decode: a shared Batcher, or a batch of their own. */
  decode?: (request: RowRequest) => Promise<GenerationResult>,
): Promise<TextGenerationResult> {
  const model = asGenerative(loaded);
  const window = model.config.maxInputTokens;
  const resolved = resolveGenerationConfig(model.config.generation, options);
  // A decoder with a position table (Marian, BART, the test fixtures) cannot go past it; stop there,
  // as if max_new_tokens had said so, rather than fail the request.
  const config = model.kind === 'seq2seq' && resolved.maxNewTokens >= window ? { ...resolved, maxNewTokens: window - 1 } : resolved;
  const ids = model.tokenizer.encode(prompt);
  // A decoder-only model's window holds the prompt and the reply; an encoder's only the prompt.
  const needed = model.kind === 'causal' ? ids.length + config.maxNewTokens : ids.length;
  if (needed > window) {
    if (model.kind === 'seq2seq' || ids.length > window) throw promptTooLong(ids.length, window);
    throw promptTooLong(ids.length, window - config.maxNewTokens, `with max_new_tokens=${config.maxNewTokens}`);
  }
  const request: RowRequest = { prompt: ids, config, ...hooks };
  const result = config.numBeams > 1 ? await beamSearch(model, request) : decode ? await decode(request) : (await generate(model, [request]))[0]!;
  return { ...result, settings: config };
}
