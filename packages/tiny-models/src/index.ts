export { TINY_MODEL_MARKER } from './tiny-model-marker.js';
export { ensureTinySeq2Seq, FLAN_T5_SMALL_SHAPE, type Seq2SeqLayout, type TinySeq2SeqOptions } from './tiny-seq2seq.js';
export type { Seq2SeqShape } from './seq2seq.js';
export { ensureTinyCausalLM, DISTILGPT2_SHAPE, type CausalLMDtype, type CausalLMLayout, type TinyCausalLMOptions } from './tiny-causal-lm.js';
export type { CausalLMShape, CausalLMVariant } from './causal-lm.js';
export { ensureTinyTokenClassifier, NER_LABELS, type TinyTokenClassifierOptions } from './tiny-token-classifier.js';
export type { TokenClassifierShape, TokenClassifierVariant } from './token-classifier.js';
