import { join } from 'node:path';
import { byteLevelBpeTokenizerConfigJson, byteLevelBpeTokenizerJson, endOfTextId, fixtureBpe } from './byte-level-bpe.js';
import { buildCausalLM, buildLegacyDecoder, buildLegacyMergedDecoder, headDim, ROPE_THETA, type CausalLMShape, type CausalLMVariant } from './causal-lm.js';
import { moveToExternalData } from './external-data.js';
import { ensureFolder, specKey, type FolderWriter } from './fixture-folder.js';
import { toFloat16 } from './float16.js';
import { encodeModel } from './onnx-graph.js';
import { quantizeDynamic } from './quantize.js';
import { TINY_MODEL_MARKER, resolveVocabSize } from './tiny-model-marker.js';
import { WeightBank } from './weight-bank.js';

/** Bump when the generated graphs or tokenizer change, so cached fixtures are rebuilt. */
const GENERATOR_VERSION = 3;

export type CausalLMDtype = 'fp32' | 'fp16' | 'q8';

/**
 * 'model': onnx/model.onnx (today's Optimum export). 'legacy-merged': onnx/decoder_model_merged.onnx only
 * (`use_cache_branch` picks the with-past or no-past branch). 'legacy-unmerged': onnx/decoder_model.onnx +
 * onnx/decoder_with_past_model.onnx. The legacy files (Optimum `--legacy`, old Xenova repos) have no
 * num_logits_to_keep input, even for llama; every layout of one seed has the same weights.
 */
export type CausalLMLayout = 'model' | 'legacy-merged' | 'legacy-unmerged';

export interface TinyCausalLMOptions {
  /** Folder that holds generated models; each spec gets its own subfolder. */
  cacheDir: string;
  seed?: number;
  variant: CausalLMVariant;
  /** fp32 → onnx/model.onnx, fp16 → onnx/model_fp16.onnx, q8 → onnx/model_quantized.onnx (transformers.js suffixes). */
  dtype?: CausalLMDtype;
  /** Store the weights in onnx/<model file>_data beside a small model file. */
  externalData?: boolean;
  /** Model dimensions; `shape.vocabSize` works like the `vocabSize` option. gpt2 ignores numKvHeads. */
  shape?: Partial<CausalLMShape>;
  /** Model vocabulary (embedding rows, logits) padded beyond the tokenizer's. */
  vocabSize?: number;
  /** File layout, 'model' by default; the legacy layouts are fp32 only, without externalData. */
  layout?: CausalLMLayout;
}

const DEFAULT_SHAPES: Record<CausalLMVariant, Omit<CausalLMShape, 'vocabSize'>> = {
  gpt2: { hiddenSize: 32, numHeads: 4, numKvHeads: 4, numLayers: 2, intermediateSize: 128, maxPositions: 256 },
  llama: { hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2, intermediateSize: 64, maxPositions: 256 },
  qwen2: { hiddenSize: 32, numHeads: 4, numKvHeads: 2, numLayers: 2, intermediateSize: 64, maxPositions: 256 },
};

/**
 * Qwen2.5-0.5B-Instruct as its config.json has it (24 layers, hidden 896, 14 heads / 2 KV heads, intermediate
 * 4864, vocabulary 151936, 32768 positions, tied embeddings), its weights in onnx/model.onnx_data as the
 * onnx-community export has them (2 GB of float32 is past protobuf's limit for one file). Build it with
 * `ensureTinyCausalLM({ cacheDir, ...QWEN2_5_0_5B_INSTRUCT_REAL })`.
 */
export const QWEN2_5_0_5B_INSTRUCT_REAL: Readonly<Required<Pick<TinyCausalLMOptions, 'variant' | 'shape' | 'externalData'>>> = Object.freeze({
  variant: 'qwen2',
  externalData: true,
  shape: Object.freeze({ hiddenSize: 896, numHeads: 14, numKvHeads: 2, numLayers: 24, intermediateSize: 4864, maxPositions: 32768, vocabSize: 151936 }),
});

/** Qwen2.5's ChatML template (its default system turn, without the tool-calling branches). */
export const QWEN2_CHAT_TEMPLATE =
  "{%- if messages[0]['role'] == 'system' %}{{- '<|im_start|>system\n' + messages[0]['content'] + '<|im_end|>\n' }}" +
  "{%- else %}{{- '<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n' }}{%- endif %}" +
  "{%- for message in messages %}{%- if not (message['role'] == 'system' and loop.first) %}" +
  "{{- '<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>\n' }}{%- endif %}{%- endfor %}" +
  "{%- if add_generation_prompt %}{{- '<|im_start|>assistant\n' }}{%- endif %}";

/** distilgpt2's dimensions, for benchmarks: `ensureTinyCausalLM({ variant: 'gpt2', shape: DISTILGPT2_SHAPE, … })`. */
export const DISTILGPT2_SHAPE: Readonly<CausalLMShape> = Object.freeze({
  hiddenSize: 768,
  numHeads: 12,
  numKvHeads: 12,
  numLayers: 6,
  intermediateSize: 3072,
  maxPositions: 1024,
  vocabSize: 50257,
});

const FILE_NAMES: Record<CausalLMDtype, string> = { fp32: 'model.onnx', fp16: 'model_fp16.onnx', q8: 'model_quantized.onnx' };

export function causalLMConfigJson(variant: CausalLMVariant, shape: CausalLMShape, eos: number, seed: number): object {
  const marker = { [TINY_MODEL_MARKER]: { seed, generator_version: GENERATOR_VERSION } };
  if (variant === 'qwen2') {
    return {
      architectures: ['Qwen2ForCausalLM'],
      model_type: 'qwen2',
      hidden_size: shape.hiddenSize,
      intermediate_size: shape.intermediateSize,
      num_hidden_layers: shape.numLayers,
      num_attention_heads: shape.numHeads,
      num_key_value_heads: shape.numKvHeads,
      max_position_embeddings: shape.maxPositions,
      max_window_layers: shape.numLayers,
      sliding_window: shape.maxPositions,
      use_sliding_window: false,
      rope_theta: ROPE_THETA,
      vocab_size: shape.vocabSize,
      hidden_act: 'silu',
      rms_norm_eps: 1e-6,
      bos_token_id: eos,
      eos_token_id: eos,
      tie_word_embeddings: true,
      use_cache: true,
      ...marker,
    };
  }
  if (variant === 'gpt2') {
    return {
      architectures: ['GPT2LMHeadModel'],
      model_type: 'gpt2',
      n_embd: shape.hiddenSize,
      n_head: shape.numHeads,
      n_layer: shape.numLayers,
      n_inner: shape.intermediateSize,
      n_positions: shape.maxPositions,
      n_ctx: shape.maxPositions,
      vocab_size: shape.vocabSize,
      activation_function: 'gelu_new',
      layer_norm_epsilon: 1e-5,
      bos_token_id: eos,
      eos_token_id: eos,
      tie_word_embeddings: false,
      use_cache: true,
      ...marker,
    };
  }
  return {
    architectures: ['LlamaForCausalLM'],
    model_type: 'llama',
    hidden_size: shape.hiddenSize,
    intermediate_size: shape.intermediateSize,
    num_hidden_layers: shape.numLayers,
    num_attention_heads: shape.numHeads,
    num_key_value_heads: shape.numKvHeads,
    head_dim: headDim(shape),
    max_position_embeddings: shape.maxPositions,
    vocab_size: shape.vocabSize,
    hidden_act: 'silu',
    rms_norm_eps: 1e-5,
    bos_token_id: eos,
    eos_token_id: eos,
    tie_word_embeddings: false,
    use_cache: true,
    ...marker,
  };
}

function resolveShape(options: TinyCausalLMOptions, tokenizerSize: number): CausalLMShape {
  const { vocabSize: shapeVocab, ...dims } = options.shape ?? {};
  const shape: CausalLMShape = {
    ...DEFAULT_SHAPES[options.variant],
    ...dims,
    vocabSize: resolveVocabSize(tokenizerSize, options.vocabSize ?? shapeVocab),
  };
  if (options.variant === 'gpt2') shape.numKvHeads = shape.numHeads;
  if (shape.hiddenSize % shape.numHeads !== 0 || shape.numHeads % shape.numKvHeads !== 0) {
    throw new RangeError(`numHeads ${shape.numHeads} must divide hiddenSize ${shape.hiddenSize} and be a multiple of numKvHeads ${shape.numKvHeads}`);
  }
  return shape;
}

/**
 * Makes (or reuses) a random-weight decoder-only model in the Hugging Face Optimum / transformers.js
 * layout: config.json, generation_config.json, tokenizer.json (byte-level BPE), tokenizer_config.json,
 * and onnx/model.onnx, onnx/model_fp16.onnx or onnx/model_quantized.onnx (plus `<file>_data` with
 * externalData), or the legacy decoder files of `layout`. Returns its folder. The model never generates <|endoftext|> (nor padded vocabulary
 * ids), so generation always runs to max_new_tokens; to test stopping, name another eos_token_id.
 */
export async function ensureTinyCausalLM(options: TinyCausalLMOptions): Promise<string> {
  const seed = options.seed ?? 1234;
  const dtype = options.dtype ?? 'fp32';
  const externalData = options.externalData ?? false;
  const bpe = fixtureBpe();
  const eos = endOfTextId(bpe);
  const tokenizerSize = eos + 1;
  const shape = resolveShape(options, tokenizerSize);
  const layout = options.layout ?? 'model';
  if (layout !== 'model' && (dtype !== 'fp32' || externalData)) {
    throw new RangeError(`layout '${layout}' is fp32 only, without externalData (got dtype ${dtype}${externalData ? ', externalData' : ''})`);
  }
  // The 'model' layout keeps the spec (and folder name) it had before layouts existed.
  const spec = { GENERATOR_VERSION, variant: options.variant, seed, shape, dtype, externalData, ...(layout !== 'model' && { layout }) };
  const dir = join(options.cacheDir, `tiny-${options.variant}-${specKey(spec)}`);
  const writeCommon = async (out: FolderWriter) => {
    await out.json('config.json', causalLMConfigJson(options.variant, shape, eos, seed));
    await out.json('generation_config.json', { bos_token_id: eos, eos_token_id: eos });
    await out.json('tokenizer.json', byteLevelBpeTokenizerJson(bpe));
    const tokenizerConfig = byteLevelBpeTokenizerConfigJson(bpe, shape.maxPositions);
    await out.json('tokenizer_config.json', options.variant === 'qwen2' ? { ...tokenizerConfig, tokenizer_class: 'Qwen2Tokenizer', chat_template: QWEN2_CHAT_TEMPLATE } : tokenizerConfig);
  };
  const suppressed = { tokenizerSize, specialIds: [eos] };

  if (layout === 'legacy-merged') {
    return ensureFolder(dir, join('onnx', 'decoder_model_merged.onnx'), async (out) => {
      await writeCommon(out);
      await out.bytes('onnx/decoder_model_merged.onnx', encodeModel(buildLegacyMergedDecoder(options.variant, shape, new WeightBank(seed), suppressed)));
    });
  }
  if (layout === 'legacy-unmerged') {
    return ensureFolder(dir, join('onnx', 'decoder_with_past_model.onnx'), async (out) => {
      await writeCommon(out);
      const bank = new WeightBank(seed);
      await out.bytes('onnx/decoder_model.onnx', encodeModel(buildLegacyDecoder(options.variant, shape, bank.sibling(), suppressed, false)));
      await out.bytes('onnx/decoder_with_past_model.onnx', encodeModel(buildLegacyDecoder(options.variant, shape, bank.sibling(), suppressed, true)));
    });
  }

  const file = FILE_NAMES[dtype];
  return ensureFolder(dir, join('onnx', file), async (out) => {
    await writeCommon(out);
    const graph = buildCausalLM(options.variant, shape, new WeightBank(seed), suppressed);
    if (dtype === 'fp16') toFloat16(graph);
    if (dtype === 'q8') quantizeDynamic(graph);
    if (externalData) await out.bytes(`onnx/${file}_data`, moveToExternalData(graph, `${file}_data`));
    await out.bytes(`onnx/${file}`, encodeModel(graph));
  });
}
