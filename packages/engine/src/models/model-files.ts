import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { modelNotFound } from '../errors.js';
import { readJson } from './model-config.js';

/** Which weight files to load: Hugging Face's file-name suffixes for each precision. */
export type Dtype = 'fp32' | 'fp16' | 'q8';
const SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };

export type ModelLayout =
  | { family: 'seq2seq'; encoder: string; decoder: { merged: string } | { noPast: string; withPast: string } }
  | { family: 'single'; model: string }
  /** Older decoder-only exports (Optimum --legacy) without a merged decoder. */
  | { family: 'causal-pair'; noPast: string; withPast: string };

export interface ModelFiles {
  dir: string;
  config: string;
  generationConfig: string | null;
  tokenizer: string;
  tokenizerConfig: string;
  layout: ModelLayout;
}

const COMMON = 'config.json, tokenizer.json, tokenizer_config.json';
const LAYOUTS = (s: string) =>
  `expected a Hugging Face ONNX export: ${COMMON}, and either onnx/encoder_model${s}.onnx with ` +
  `onnx/decoder_model_merged${s}.onnx (or onnx/decoder_model${s}.onnx + onnx/decoder_with_past_model${s}.onnx) ` +
  `for encoder–decoder models, or onnx/model${s}.onnx for decoder-only and token-classification models`;

/**
 * Finds the files of an export in the Optimum / transformers.js layout, or says exactly which
 * one is missing and what the layout should be.
 */
export function resolveModelFiles(dir: string, dtype: Dtype = 'fp32'): ModelFiles {
  const s = SUFFIX[dtype];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw modelNotFound(`model folder ${dir} does not exist (${LAYOUTS(s)})`);
  const has = (rel: string) => existsSync(join(dir, rel));
  const need = (rel: string): string => {
    if (!has(rel)) throw modelNotFound(`model folder ${dir} has no ${rel} (${LAYOUTS(s)})`);
    return join(dir, rel);
  };
  const common = {
    dir,
    config: need('config.json'),
    generationConfig: has('generation_config.json') ? join(dir, 'generation_config.json') : null,
    tokenizer: need('tokenizer.json'),
    tokenizerConfig: need('tokenizer_config.json'),
  };
  const file = (name: string) => `onnx/${name}${s}.onnx`;
  // config.json says whether this is an encoder–decoder, so a missing encoder is named as such.
  if (has(file('encoder_model')) || readJson(common.config)['is_encoder_decoder'] === true) {
    const encoder = need(file('encoder_model'));
    if (has(file('decoder_model_merged'))) return { ...common, layout: { family: 'seq2seq', encoder, decoder: { merged: join(dir, file('decoder_model_merged')) } } };
    return {
      ...common,
      layout: { family: 'seq2seq', encoder, decoder: { noPast: need(file('decoder_model')), withPast: need(file('decoder_with_past_model')) } },
    };
  }
  if (has(file('model'))) return { ...common, layout: { family: 'single', model: join(dir, file('model')) } };
  // Older decoder-only exports (Optimum --legacy): a merged decoder, or the pair of decoders.
  if (has(file('decoder_model_merged'))) return { ...common, layout: { family: 'single', model: join(dir, file('decoder_model_merged')) } };
  if (has(file('decoder_model'))) {
    return { ...common, layout: { family: 'causal-pair', noPast: join(dir, file('decoder_model')), withPast: need(file('decoder_with_past_model')) } };
  }
  throw modelNotFound(`model folder ${dir} has neither ${file('encoder_model')} nor ${file('model')} (${LAYOUTS(s)})`);
}
