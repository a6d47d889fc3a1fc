export { TINY_MODEL_MARKER } from './tiny-model-marker.js';
export {
  ensureTinySeq2Seq,
  FLAN_T5_SMALL_SHAPE,
  FLAN_T5_SMALL_REAL,
  OPUS_MT_EN_DE_REAL,
  type Seq2SeqLayout,
  type Seq2SeqVariant,
  type TinySeq2SeqOptions,
} from './tiny-seq2seq.js';
export type { FeedForward } from './blocks.js';
export type { Seq2SeqShape } from './seq2seq.js';
export {
  ensureTinyCausalLM,
  DISTILGPT2_SHAPE,
  QWEN2_5_0_5B_INSTRUCT_REAL,
  QWEN2_CHAT_TEMPLATE,
  type CausalLMDtype,
  type CausalLMLayout,
  type TinyCausalLMOptions,
} from './tiny-causal-lm.js';
export type { CausalLMShape, CausalLMVariant } from './causal-lm.js';
export { ensureTinyTokenClassifier, BERT_BASE_NER_REAL, NER_LABELS, type TinyTokenClassifierOptions } from './tiny-token-classifier.js';
export type { TokenClassifierShape, TokenClassifierVariant } from './token-classifier.js';
