import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildEncoder, buildMergedDecoder, type Seq2SeqShape } from './seq2seq.js';
import { buildVocab, tokenizerConfigJson, tokenizerJson } from './tokenizer-files.js';

/** Bump when the generated graphs change, so cached fixtures are rebuilt. */
const GENERATOR_VERSION = 1;

export interface TinySeq2SeqOptions {
  /** Folder that holds generated models; each spec gets its own subfolder. */
  cacheDir: string;
  seed?: number;
  shape?: Partial<Omit<Seq2SeqShape, 'vocabSize'>>;
}

const DEFAULT_SHAPE: Omit<Seq2SeqShape, 'vocabSize'> = {
  dModel: 32,
  numHeads: 4,
  dKv: 8,
  dFf: 64,
  maxPositions: 512,
  encoderLayers: 2,
  decoderLayers: 2,
};

/** Marks a generated folder so Parley can warn that its output is random. */
export const TINY_MODEL_MARKER = 'parley_tiny_random_model';

/**
 * Makes (or reuses) a random-weight T5-style model in the Hugging Face Optimum export layout:
 * config.json, generation_config.json, tokenizer.json, tokenizer_config.json,
 * onnx/encoder_model.onnx and onnx/decoder_model_merged.onnx. Returns its folder.
 */
export async function ensureTinySeq2Seq(options: TinySeq2SeqOptions): Promise<string> {
  const seed = options.seed ?? 1234;
  const vocab = buildVocab();
  const shape: Seq2SeqShape = { ...DEFAULT_SHAPE, ...options.shape, vocabSize: vocab.length };
  const key = createHash('sha256')
    .update(JSON.stringify({ GENERATOR_VERSION, seed, shape }))
    .digest('hex')
    .slice(0, 12);
  const dir = join(options.cacheDir, `tiny-t5-${key}`);
  if (existsSync(join(dir, 'onnx', 'decoder_model_merged.onnx'))) return dir;

  // Build beside the target and rename, so concurrent callers never see a half-written folder.
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}`;
  await mkdir(join(tmp, 'onnx'), { recursive: true });
  const json = (name: string, value: object) => writeFile(join(tmp, name), JSON.stringify(value, null, 2));
  await json('config.json', {
    architectures: ['T5ForConditionalGeneration'],
    model_type: 't5',
    is_encoder_decoder: true,
    d_model: shape.dModel,
    d_kv: shape.dKv,
    d_ff: shape.dFf,
    num_heads: shape.numHeads,
    num_layers: shape.encoderLayers,
    num_decoder_layers: shape.decoderLayers,
    vocab_size: shape.vocabSize,
    n_positions: shape.maxPositions,
    decoder_start_token_id: 0,
    eos_token_id: 1,
    pad_token_id: 0,
    tie_word_embeddings: false,
    [TINY_MODEL_MARKER]: { seed, generator_version: GENERATOR_VERSION },
  });
  await json('generation_config.json', { decoder_start_token_id: 0, eos_token_id: 1, pad_token_id: 0 });
  await json('tokenizer.json', tokenizerJson(vocab));
  await json('tokenizer_config.json', tokenizerConfigJson(shape.maxPositions));
  await writeFile(join(tmp, 'onnx', 'encoder_model.onnx'), buildEncoder(shape, seed));
  await writeFile(join(tmp, 'onnx', 'decoder_model_merged.onnx'), buildMergedDecoder(shape, seed));
  try {
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(dir)) throw err;
  }
  return dir;
}
