import { EngineError, modelInvalid } from '../errors.js';
import { CausalLM } from './causal-lm.js';
import { readJson, readModelConfig } from './model-config.js';
import { resolveModelFiles, type Dtype } from './model-files.js';
import { Seq2SeqModel } from './seq2seq-model.js';
import { openSession, requireNames, shortPath, type SessionSettings } from './session.js';
import { TokenClassifier } from './token-classifier.js';
import { applyGraphEdits, type GraphEdit } from './graph-edits.js';
import { returnNewKeyValues } from './new-kv-outputs.js';
import { trimLogits } from './trim-logits.js';
import { TextTokenizer } from './tokenizer.js';

export type LoadedModel = Seq2SeqModel | CausalLM | TokenClassifier;

/** How loadModel opens a model's files (the Engine's LoadOptions add its thread's batch limits). */
export interface ModelLoadOptions extends SessionSettings {
  /**
   * Decoder-only graphs without num_logits_to_keep are edited at load to compute logits for the
   * last position only (true by default; false loads the file as exported).
   */
  trimLogits?: boolean;
  /**
   * Decoder-only graphs whose cache outputs are Concat(past, new) are edited at load to return
   * only the new positions, and the cache is kept in buffers with room to grow (true by default;
   * false keeps the exported presents, copied every step).
   */
  cacheSlots?: boolean;
  /** Which weight files: fp32 (`model.onnx`), fp16 (`model_fp16.onnx`), q8 (`model_quantized.onnx`). */
  dtype?: Dtype;
}

const SEQ2SEQ_DECODER = 'a decoder taking input_ids and encoder_hidden_states and returning logits';

/**
 * Loads any supported export from its folder. The family is read off the files and the
 * sessions' own input and output names, never from a list of architectures.
 */
export async function loadModel(dir: string, options: ModelLoadOptions = {}): Promise<LoadedModel> {
  const files = resolveModelFiles(dir, options.dtype);
  const tokenizerConfig = readJson(files.tokenizerConfig);
  const tokenizer = TextTokenizer.fromJson(readJson(files.tokenizer), tokenizerConfig, files.tokenizer);
  const config = readModelConfig(files.config, files.generationConfig, tokenizerConfig);
  const { layout } = files;

  if (layout.family === 'seq2seq') {
    const encoder = await openSession(layout.encoder, options);
    requireNames(encoder, layout.encoder, ['input_ids', 'attention_mask'], ['last_hidden_state'], 'an encoder (input_ids, attention_mask → last_hidden_state)');
    if ('merged' in layout.decoder) {
      const merged = await openSession(layout.decoder.merged, options);
      requireNames(merged, layout.decoder.merged, ['input_ids', 'encoder_hidden_states', 'use_cache_branch'], ['logits'], `${SEQ2SEQ_DECODER}, with use_cache_branch`);
      return new Seq2SeqModel(config, tokenizer, encoder, { merged });
    }
    const noPast = await openSession(layout.decoder.noPast, options);
    const withPast = await openSession(layout.decoder.withPast, options);
    requireNames(noPast, layout.decoder.noPast, ['input_ids', 'encoder_hidden_states'], ['logits'], SEQ2SEQ_DECODER);
    // The with-past decoder reads cross-attention from the cache; exports drop its unused encoder_hidden_states.
    requireNames(withPast, layout.decoder.withPast, ['input_ids'], ['logits'], 'a decoder taking input_ids and past_key_values and returning logits');
    return new Seq2SeqModel(config, tokenizer, encoder, { noPast, withPast });
  }

  if (layout.family === 'causal-pair') {
    const noPast = await openSession(layout.noPast, options, edits(options, { trim: true }));
    const withPast = await openSession(layout.withPast, options, edits(options, { slots: true }));
    const expected = 'a decoder-only model (input_ids, attention_mask[, past_key_values.*] → logits, present.*)';
    requireNames(noPast, layout.noPast, ['input_ids', 'attention_mask'], ['logits'], expected);
    requireNames(withPast, layout.withPast, ['input_ids', 'attention_mask'], ['logits'], expected);
    return new CausalLM(config, tokenizer, noPast, withPast);
  }

  const session = await openSession(layout.model, options, edits(options, { trim: true, slots: true }));
  const hasPast = session.inputNames.some((n) => n.startsWith('past_key_values.'));
  if (hasPast) {
    requireNames(session, layout.model, ['input_ids', 'attention_mask'], ['logits'], 'a decoder-only model (input_ids, attention_mask, past_key_values.* → logits, present.*)');
    return new CausalLM(config, tokenizer, session);
  }
  if (session.outputNames.includes('logits') && session.inputNames.includes('input_ids') && Object.keys(config.id2label).length > 0) {
    return new TokenClassifier(config, tokenizer, session);
  }
  throw modelInvalid(
    `${shortPath(layout.model)} has inputs [${session.inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}]: ` +
      'expected a decoder-only export (input_ids, attention_mask, past_key_values.* → logits, present.*) or a ' +
      'token-classification export (input_ids, attention_mask → logits, with id2label in config.json)',
  );
}

/** The load-time edits a decoder-only file gets, unless turned off; a graph they don't fit is left as it is. */
function edits(options: ModelLoadOptions, apply: { trim?: boolean; slots?: boolean }): (bytes: Uint8Array) => Uint8Array | null {
  const chosen: GraphEdit[] = [];
  if (apply.trim && options.trimLogits !== false) chosen.push(trimLogits);
  if (apply.slots && options.cacheSlots !== false) chosen.push(returnNewKeyValues);
  return (bytes) => applyGraphEdits(bytes, chosen);
}

export function asTokenClassifier(model: LoadedModel): TokenClassifier {
  if (model.kind !== 'token-classification') {
    throw new EngineError('WRONG_TASK', `${model.config.modelType} is a text-generation model; it has no token-classification head`, 'This model writes text; it cannot extract entities.');
  }
  return model;
}
