export { ensureTinySeq2Seq, TINY_MODEL_MARKER, type TinySeq2SeqOptions } from './tiny-seq2seq.js';
