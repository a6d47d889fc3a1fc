import { join } from 'node:path';
import { ensureFolder, specKey } from './fixture-folder.js';
import { buildDecoder, buildDecoderWithPast, buildEncoder, buildMergedDecoder, type Seq2SeqShape } from './seq2seq.js';
import { buildVocab, SPECIAL_TOKENS, tokenizerConfigJson, tokenizerJson } from './tokenizer-files.js';
import { TINY_MODEL_MARKER, resolveVocabSize } from './tiny-model-marker.js';
import { WeightBank } from './weight-bank.js';

/** Bump when the generated graphs change, so cached fixtures are rebuilt. */
const GENERATOR_VERSION = 4;

export type Seq2SeqLayout = 'merged' | 'unmerged' | 'both';

export interface TinySeq2SeqOptions {
  /** Folder that holds generated models; each spec gets its own subfolder. */
  cacheDir: string;
  seed?: number;
  /** Model dimensions; `shape.vocabSize` works like the `vocabSize` option. */
  shape?: Partial<Seq2SeqShape>;
  /**
   * 'merged' (default): encoder_model.onnx + decoder_model_merged.onnx. 'unmerged': encoder_model.onnx +
   * decoder_model.onnx + decoder_with_past_model.onnx. 'both': all four. Every layout of one seed has the same weights.
   */
  layout?: Seq2SeqLayout;
  /** Model vocabulary (embedding rows, logits) padded beyond the tokenizer's, as flan-t5 has 32128 logits for 32100 tokens. */
  vocabSize?: number;
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

const DECODER_BUILDERS = {
  'decoder_model_merged.onnx': buildMergedDecoder,
  'decoder_model.onnx': buildDecoder,
  'decoder_with_past_model.onnx': buildDecoderWithPast,
} as const;

/** Decoder files per layout. */
const LAYOUT_FILES: Record<Seq2SeqLayout, (keyof typeof DECODER_BUILDERS)[]> = {
  merged: ['decoder_model_merged.onnx'],
  unmerged: ['decoder_model.onnx', 'decoder_with_past_model.onnx'],
  both: ['decoder_model_merged.onnx', 'decoder_model.onnx', 'decoder_with_past_model.onnx'],
};

/** flan-t5-small's dimensions (with 8 heads), for benchmarks; build it with `shape: FLAN_T5_SMALL_SHAPE`. */
export const FLAN_T5_SMALL_SHAPE: Readonly<Seq2SeqShape> = Object.freeze({
  dModel: 512,
  dKv: 64,
  numHeads: 8,
  dFf: 1024,
  maxPositions: 512,
  encoderLayers: 8,
  decoderLayers: 8,
  vocabSize: 32128,
});

export function seq2seqConfigJson(shape: Seq2SeqShape, seed: number): object {
  return {
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
  };
}

/**
 * Makes (or reuses) a random-weight T5-style model in the Hugging Face Optimum export layout:
 * config.json, generation_config.json, tokenizer.json, tokenizer_config.json, onnx/encoder_model.onnx
 * and the decoder file(s) of `layout`. Returns its folder. The model never generates <pad>, </s> or
 * <unk> (nor padded vocabulary ids), so generation always runs to max_new_tokens; to test stopping,
 * name another eos_token_id in generation_config.json.
 */
export async function ensureTinySeq2Seq(options: TinySeq2SeqOptions): Promise<string> {
  const seed = options.seed ?? 1234;
  const layout = options.layout ?? 'merged';
  const vocab = buildVocab();
  const { vocabSize: shapeVocab, ...dims } = options.shape ?? {};
  const shape: Seq2SeqShape = {
    ...DEFAULT_SHAPE,
    ...dims,
    vocabSize: resolveVocabSize(vocab.length, options.vocabSize ?? shapeVocab),
  };
  const dir = join(options.cacheDir, `tiny-t5-${specKey({ GENERATOR_VERSION, seed, shape, layout })}`);
  const decoders = LAYOUT_FILES[layout];

  return ensureFolder(dir, join('onnx', decoders.at(-1)!), async (out) => {
    await out.json('config.json', seq2seqConfigJson(shape, seed));
    await out.json('generation_config.json', { decoder_start_token_id: 0, eos_token_id: 1, pad_token_id: 0 });
    await out.json('tokenizer.json', tokenizerJson(vocab));
    await out.json('tokenizer_config.json', tokenizerConfigJson(shape.maxPositions));
    const bank = new WeightBank(seed);
    const specialIds = Object.values(SPECIAL_TOKENS).map((token) => vocab.findIndex(([piece]) => piece === token));
    const suppressed = { tokenizerSize: vocab.length, specialIds };
    await out.bytes('onnx/encoder_model.onnx', buildEncoder(shape, bank.sibling()));
    for (const file of decoders) await out.bytes(`onnx/${file}`, DECODER_BUILDERS[file](shape, bank.sibling(), suppressed));
  });
}
