import { Layers } from './layers.js';
import { DataType, GraphBuilder, encodeModel, type ValueDecl } from './onnx-graph.js';
import type { WeightBank } from './weight-bank.js';

export type TokenClassifierVariant = 'bert' | 'distilbert';

export interface TokenClassifierShape {
  hiddenSize: number;
  numHeads: number;
  numLayers: number;
  intermediateSize: number;
  maxPositions: number;
  vocabSize: number;
  numLabels: number;
}

const I64 = DataType.INT64;

/** Spreads the label logits so different tokens get different labels (NER tests need entities). */
const CLASSIFIER_GAIN = 3;
/** Head start of label 0 ("O"): about half the tokens fall outside entities, as in real NER output. */
const O_BIAS = 4;

export function tokenClassifierInputs(variant: TokenClassifierVariant): ValueDecl[] {
  const names = variant === 'bert' ? ['input_ids', 'attention_mask', 'token_type_ids'] : ['input_ids', 'attention_mask'];
  return names.map((name) => ({ name, type: I64, shape: ['batch_size', 'sequence_length'] }));
}

/**
 * A bidirectional post-norm encoder (BERT / DistilBERT): token + learned position (+ token type, bert)
 * embeddings, self-attention over every unmasked token, and a linear classification head per token.
 */
export function buildTokenClassifier(variant: TokenClassifierVariant, shape: TokenClassifierShape, bank: WeightBank): Uint8Array {
  const g = new GraphBuilder('', bank.initializers);
  const l = new Layers(g, bank);
  const bert = variant === 'bert';
  const { hiddenSize: d, numHeads: heads, intermediateSize: ff } = shape;
  const dh = d / heads;
  const norm = (x: string, name: string) => l.layerNorm(x, name, d, 1e-12);
  const linear = (x: string, name: string, dIn: number, dOut: number) => l.linear(x, name, dIn, dOut, { bias: true });

  const root = bert ? 'bert' : 'distilbert';
  const e = `${root}.embeddings`;
  const length = l.scalar(g.op('Shape', ['input_ids'], { start: 1, end: 2 }));
  const positions = g.op('Range', [g.constInt64([0], []), length, g.constInt64([1], [])]);
  let embedded = g.op('Add', [
    g.op('Gather', [bank.normal(`${e}.word_embeddings`, [shape.vocabSize, d], 1), 'input_ids']),
    g.op('Gather', [bank.normal(`${e}.position_embeddings`, [shape.maxPositions, d], 0.5), positions]),
  ]);
  if (bert) embedded = g.op('Add', [embedded, g.op('Gather', [bank.normal(`${e}.token_type_embeddings`, [2, d], 0.1), 'token_type_ids'])]);
  let hidden = norm(embedded, `${e}.LayerNorm`);
  const bias = l.paddingBias('attention_mask');

  for (let i = 0; i < shape.numLayers; i++) {
    const p = bert ? `bert.encoder.layer.${i}` : `distilbert.transformer.layer.${i}`;
    const proj = bert
      ? { q: 'attention.self.query', k: 'attention.self.key', v: 'attention.self.value', o: 'attention.output.dense' }
      : { q: 'attention.q_lin', k: 'attention.k_lin', v: 'attention.v_lin', o: 'attention.out_lin' };
    const head = (name: string) => l.splitHeads(linear(hidden, `${p}.${name}`, d, d), heads, dh);
    const attn = l.attention(head(proj.q), head(proj.k), head(proj.v), bias, dh);
    const attnOut = linear(l.mergeHeads(attn, d), `${p}.${proj.o}`, d, d);
    hidden = norm(g.op('Add', [hidden, attnOut]), bert ? `${p}.attention.output.LayerNorm` : `${p}.sa_layer_norm`);
    const inner = l.gelu(linear(hidden, bert ? `${p}.intermediate.dense` : `${p}.ffn.lin1`, d, ff), 'erf');
    const ffOut = linear(inner, bert ? `${p}.output.dense` : `${p}.ffn.lin2`, ff, d);
    hidden = norm(g.op('Add', [hidden, ffOut]), bert ? `${p}.output.LayerNorm` : `${p}.output_layer_norm`);
  }
  const labelBias = bank.fixed('classifier.bias', [shape.numLabels], [O_BIAS, ...new Array<number>(shape.numLabels - 1).fill(0)]);
  const scores = l.linear(hidden, 'classifier', d, shape.numLabels, { gain: CLASSIFIER_GAIN });
  g.op('Add', [scores, labelBias], {}, 'logits');
  return encodeModel(
    g.graph(`${root}_token_classification`, tokenClassifierInputs(variant), [
      { name: 'logits', type: DataType.FLOAT, shape: ['batch_size', 'sequence_length', shape.numLabels] },
    ], true),
  );
}
