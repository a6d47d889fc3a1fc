import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { modelNotFound } from './errors.js';

export interface Seq2SeqFiles {
  dir: string;
  config: string;
  generationConfig: string | null;
  tokenizer: string;
  tokenizerConfig: string;
  encoder: string;
  decoderMerged: string;
}

const LAYOUT =
  'expected a Hugging Face ONNX export: config.json, tokenizer.json, tokenizer_config.json, ' +
  'onnx/encoder_model.onnx and onnx/decoder_model_merged.onnx';

/** Finds the files of an encoder–decoder export, or says exactly which one is missing. */
export function resolveSeq2SeqFiles(dir: string): Seq2SeqFiles {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw modelNotFound(`model folder ${dir} does not exist (${LAYOUT})`);
  }
  const need = (rel: string): string => {
    const path = join(dir, rel);
    if (!existsSync(path)) throw modelNotFound(`model folder ${dir} has no ${rel} (${LAYOUT})`);
    return path;
  };
  const generationConfig = join(dir, 'generation_config.json');
  return {
    dir,
    config: need('config.json'),
    generationConfig: existsSync(generationConfig) ? generationConfig : null,
    tokenizer: need('tokenizer.json'),
    tokenizerConfig: need('tokenizer_config.json'),
    encoder: need('onnx/encoder_model.onnx'),
    decoderMerged: need('onnx/decoder_model_merged.onnx'),
  };
}
