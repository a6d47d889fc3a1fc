import { join } from 'node:path';
import { ensureFolder, specKey } from './fixture-folder.js';
import { TINY_MODEL_MARKER, resolveVocabSize } from './tiny-model-marker.js';
import { buildTokenClassifier, type TokenClassifierShape, type TokenClassifierVariant } from './token-classifier.js';
import { WeightBank } from './weight-bank.js';
import { buildWordPieceVocab, wordPieceTokenizerConfigJson, wordPieceTokenizerJson } from './wordpiece-tokenizer.js';

/** Bump when the generated graphs or tokenizer change, so cached fixtures are rebuilt. */
const GENERATOR_VERSION = 1;

/** CoNLL-2003 style BIO labels, as dslim/bert-base-NER and similar checkpoints have them. */
export const NER_LABELS = ['O', 'B-MISC', 'I-MISC', 'B-PER', 'I-PER', 'B-ORG', 'I-ORG', 'B-LOC', 'I-LOC'] as const;

export interface TinyTokenClassifierOptions {
  /** Folder that holds generated models; each spec gets its own subfolder. */
  cacheDir: string;
  seed?: number;
  variant: TokenClassifierVariant;
  shape?: Partial<Omit<TokenClassifierShape, 'vocabSize' | 'numLabels'>>;
  /** Model vocabulary (embedding rows) padded beyond the tokenizer's, as a real checkpoint's is. */
  vocabSize?: number;
}

/**
 * bert-base-NER as its config.json has it (dslim/bert-base-NER: 12 layers, hidden 768, 12 heads, FFN 3072,
 * 512 positions, cased vocabulary of 28996, 9 CoNLL labels). Build it with `{ cacheDir, variant: 'bert', ...BERT_BASE_NER_REAL }`.
 */
export const BERT_BASE_NER_REAL: Readonly<Required<Pick<TinyTokenClassifierOptions, 'shape' | 'vocabSize'>>> = Object.freeze({
  vocabSize: 28996,
  shape: Object.freeze({ hiddenSize: 768, numHeads: 12, numLayers: 12, intermediateSize: 3072, maxPositions: 512 }),
});

const DEFAULT_SHAPE: Omit<TokenClassifierShape, 'vocabSize' | 'numLabels'> = {
  hiddenSize: 32,
  numHeads: 4,
  numLayers: 2,
  intermediateSize: 64,
  maxPositions: 512,
};

export function tokenClassifierConfigJson(variant: TokenClassifierVariant, shape: TokenClassifierShape, seed: number): object {
  const labels = {
    id2label: Object.fromEntries(NER_LABELS.map((label, i) => [String(i), label])),
    label2id: Object.fromEntries(NER_LABELS.map((label, i) => [label, i])),
  };
  const marker = { [TINY_MODEL_MARKER]: { seed, generator_version: GENERATOR_VERSION } };
  if (variant === 'bert') {
    return {
      architectures: ['BertForTokenClassification'],
      model_type: 'bert',
      hidden_size: shape.hiddenSize,
      num_attention_heads: shape.numHeads,
      num_hidden_layers: shape.numLayers,
      intermediate_size: shape.intermediateSize,
      hidden_act: 'gelu',
      max_position_embeddings: shape.maxPositions,
      type_vocab_size: 2,
      vocab_size: shape.vocabSize,
      layer_norm_eps: 1e-12,
      pad_token_id: 0,
      ...labels,
      ...marker,
    };
  }
  return {
    architectures: ['DistilBertForTokenClassification'],
    model_type: 'distilbert',
    dim: shape.hiddenSize,
    n_heads: shape.numHeads,
    n_layers: shape.numLayers,
    hidden_dim: shape.intermediateSize,
    activation: 'gelu',
    max_position_embeddings: shape.maxPositions,
    sinusoidal_pos_embds: false,
    vocab_size: shape.vocabSize,
    pad_token_id: 0,
    ...labels,
    ...marker,
  };
}

/**
 * Makes (or reuses) a random-weight BERT / DistilBERT token classifier (NER labels) in the Hugging
 * Face Optimum layout: config.json, tokenizer.json (cased WordPiece), tokenizer_config.json and
 * onnx/model.onnx. Returns its folder.
 */
export async function ensureTinyTokenClassifier(options: TinyTokenClassifierOptions): Promise<string> {
  const seed = options.seed ?? 1234;
  const vocab = buildWordPieceVocab();
  const shape: TokenClassifierShape = { ...DEFAULT_SHAPE, ...options.shape, vocabSize: resolveVocabSize(vocab.length, options.vocabSize), numLabels: NER_LABELS.length };
  const dir = join(options.cacheDir, `tiny-${options.variant}-${specKey({ GENERATOR_VERSION, variant: options.variant, seed, shape })}`);
  const tokenizerClass = options.variant === 'bert' ? 'BertTokenizer' : 'DistilBertTokenizer';

  return ensureFolder(dir, join('onnx', 'model.onnx'), async (out) => {
    await out.json('config.json', tokenClassifierConfigJson(options.variant, shape, seed));
    await out.json('tokenizer.json', wordPieceTokenizerJson(vocab));
    await out.json('tokenizer_config.json', wordPieceTokenizerConfigJson(vocab, tokenizerClass, shape.maxPositions));
    await out.bytes('onnx/model.onnx', buildTokenClassifier(options.variant, shape, new WeightBank(seed)));
  });
}
