import { join } from 'node:path';
import { ensureFolder, specKey } from './fixture-folder.js';
import type { FeedForward } from './blocks.js';
import { buildDecoder, buildDecoderWithPast, buildEncoder, buildMergedDecoder, type Seq2SeqArch, type Seq2SeqShape } from './seq2seq.js';
import { buildVocab, SPECIAL_TOKENS, tokenizerConfigJson, tokenizerJson } from './tokenizer-files.js';
import { TINY_MODEL_MARKER, resolveVocabSize } from './tiny-model-marker.js';
import { WeightBank } from './weight-bank.js';

/** Bump when the generated graphs change, so cached fixtures are rebuilt. */
const GENERATOR_VERSION = 4;

export type Seq2SeqLayout = 'merged' | 'unmerged' | 'both';

/**
 * 't5' (default): T5's config.json, an untied LM head. 'marian': a Marian translation model's config.json
 * and generation_config.json (num_beams 4, bad_words_ids [[pad]], as opus-mt exports have them), SiLU
 * feed-forward, and the LM head tied to the token embedding with a final_logits_bias.
 */
export type Seq2SeqVariant = 't5' | 'marian';

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
  /** 't5' by default. */
  variant?: Seq2SeqVariant;
  /** The feed-forward block: 'relu' for t5 by default ('gated-gelu' is Flan-T5's), 'swish' for marian. */
  feedForward?: FeedForward;
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

/**
 * flan-t5-small as its config.json has it (google/flan-t5-small: 6 heads of 64, gated-GELU feed-forward of
 * 1024, 8 + 8 layers, 32128 logits, 512 positions). Build it with `ensureTinySeq2Seq({ cacheDir, ...FLAN_T5_SMALL_REAL })`.
 */
export const FLAN_T5_SMALL_REAL: Readonly<Required<Pick<TinySeq2SeqOptions, 'shape' | 'vocabSize' | 'feedForward' | 'variant'>>> = Object.freeze({
  variant: 't5',
  feedForward: 'gated-gelu',
  vocabSize: 32128,
  shape: Object.freeze({ dModel: 512, dKv: 64, numHeads: 6, dFf: 1024, maxPositions: 512, encoderLayers: 8, decoderLayers: 8, vocabSize: 32128 }),
});

/**
 * opus-mt-en-de as its config.json has it (Helsinki-NLP/opus-mt-en-de: d_model 512, 8 heads, FFN 2048,
 * 6 + 6 layers, vocabulary 58101, 512 positions, tied embeddings). Build it with `{ cacheDir, ...OPUS_MT_EN_DE_REAL }`.
 */
export const OPUS_MT_EN_DE_REAL: Readonly<Required<Pick<TinySeq2SeqOptions, 'shape' | 'vocabSize' | 'feedForward' | 'variant'>>> = Object.freeze({
  variant: 'marian',
  feedForward: 'swish',
  vocabSize: 58101,
  shape: Object.freeze({ dModel: 512, dKv: 64, numHeads: 8, dFf: 2048, maxPositions: 512, encoderLayers: 6, decoderLayers: 6, vocabSize: 58101 }),
});

/** Marian's config.json; the token ids are the fixture tokenizer's (<pad> 0, </s> 1), not opus-mt's. */
export function marianConfigJson(shape: Seq2SeqShape, seed: number): object {
  return {
    architectures: ['MarianMTModel'],
    model_type: 'marian',
    is_encoder_decoder: true,
    d_model: shape.dModel,
    encoder_layers: shape.encoderLayers,
    decoder_layers: shape.decoderLayers,
    num_hidden_layers: shape.encoderLayers,
    encoder_attention_heads: shape.numHeads,
    decoder_attention_heads: shape.numHeads,
    encoder_ffn_dim: shape.dFf,
    decoder_ffn_dim: shape.dFf,
    activation_function: 'swish',
    max_position_embeddings: shape.maxPositions,
    vocab_size: shape.vocabSize,
    decoder_vocab_size: shape.vocabSize,
    scale_embedding: true,
    share_encoder_decoder_embeddings: true,
    tie_word_embeddings: true,
    ...MARIAN_GENERATION,
    [TINY_MODEL_MARKER]: { seed, generator_version: GENERATOR_VERSION },
  };
}

/** opus-mt's generation settings, with the fixture tokenizer's ids. */
const MARIAN_GENERATION = {
  bad_words_ids: [[0]],
  bos_token_id: 1,
  decoder_start_token_id: 0,
  eos_token_id: 1,
  forced_eos_token_id: 1,
  max_length: 512,
  num_beams: 4,
  pad_token_id: 0,
};

export function seq2seqConfigJson(shape: Seq2SeqShape, seed: number, feedForward: FeedForward = 'relu'): object {
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
    ...(feedForward === 'gated-gelu' && { feed_forward_proj: 'gated-gelu', dense_act_fn: 'gelu_new', is_gated_act: true }),
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
  const variant = options.variant ?? 't5';
  const feedForward = options.feedForward ?? (variant === 'marian' ? 'swish' : 'relu');
  const arch: Seq2SeqArch = { feedForward, tiedHead: variant === 'marian' };
  const vocab = buildVocab();
  const { vocabSize: shapeVocab, ...dims } = options.shape ?? {};
  const shape: Seq2SeqShape = {
    ...DEFAULT_SHAPE,
    ...dims,
    vocabSize: resolveVocabSize(vocab.length, options.vocabSize ?? shapeVocab),
  };
  // The original T5 fixture keeps the spec (and folder name) it had before variants existed.
  const spec = { GENERATOR_VERSION, seed, shape, layout, ...(variant !== 't5' && { variant }), ...(feedForward !== 'relu' && { feedForward }) };
  const dir = join(options.cacheDir, `tiny-${variant}-${specKey(spec)}`);
  const decoders = LAYOUT_FILES[layout];

  return ensureFolder(dir, join('onnx', decoders.at(-1)!), async (out) => {
    await out.json('config.json', variant === 'marian' ? marianConfigJson(shape, seed) : seq2seqConfigJson(shape, seed, feedForward));
    await out.json('generation_config.json', variant === 'marian' ? MARIAN_GENERATION : { decoder_start_token_id: 0, eos_token_id: 1, pad_token_id: 0 });
    await out.json('tokenizer.json', tokenizerJson(vocab));
    const tokenizerConfig = tokenizerConfigJson(shape.maxPositions);
    await out.json('tokenizer_config.json', variant === 'marian' ? { ...tokenizerConfig, tokenizer_class: 'MarianTokenizer' } : tokenizerConfig);
    const bank = new WeightBank(seed);
    const specialIds = Object.values(SPECIAL_TOKENS).map((token) => vocab.findIndex(([piece]) => piece === token));
    const suppressed = { tokenizerSize: vocab.length, specialIds };
    await out.bytes('onnx/encoder_model.onnx', buildEncoder(shape, bank.sibling(), arch));
    for (const file of decoders) await out.bytes(`onnx/${file}`, DECODER_BUILDERS[file](shape, bank.sibling(), suppressed, arch));
  });
}
