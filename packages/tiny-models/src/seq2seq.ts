import { Blocks, type Dims } from './blocks.js';
import { DataType, GraphBuilder, encodeModel, type ValueDecl } from './onnx-graph.js';
import { WeightBank } from './weight-bank.js';

export interface Seq2SeqShape extends Dims {
  encoderLayers: number;
  decoderLayers: number;
}

const F = DataType.FLOAT;
const I64 = DataType.INT64;
const PRODUCER = 'parley-tiny-models';

/** Scales the LM head so logits stay spread out instead of collapsing onto one token. */
const LM_HEAD_GAIN = 3;

export function buildEncoder(shape: Seq2SeqShape, seed: number): Uint8Array {
  const bank = new WeightBank(seed);
  const g = new GraphBuilder('', bank.initializers);
  const b = new Blocks(g, bank, shape);
  const length = g.op('Shape', ['input_ids'], { start: 1, end: 2 });
  let { hidden } = b.embed('input_ids', g.constInt64([0], []), b.scalar(length));
  const bias = b.paddingBias('attention_mask');
  for (let i = 0; i < shape.encoderLayers; i++) {
    const p = `encoder.layers.${i}`;
    const h = b.layerNorm(hidden, `${p}.ln_attn`);
    const attn = b.attention(b.heads(h, `${p}.q`), b.heads(h, `${p}.k`), b.heads(h, `${p}.v`), bias);
    hidden = g.op('Add', [hidden, b.output(attn, `${p}.o`)]);
    hidden = g.op('Add', [hidden, b.feedForward(b.layerNorm(hidden, `${p}.ln_ff`), `${p}.ff`)]);
  }
  g.op('Identity', [b.layerNorm(hidden, 'encoder.final_ln')], {}, 'last_hidden_state');
  return encodeModel(
    g.graph(
      'encoder',
      [
        { name: 'input_ids', type: I64, shape: ['batch_size', 'encoder_sequence_length'] },
        { name: 'attention_mask', type: I64, shape: ['batch_size', 'encoder_sequence_length'] },
      ],
      [{ name: 'last_hidden_state', type: F, shape: ['batch_size', 'encoder_sequence_length', shape.dModel] }],
      true,
    ),
    PRODUCER,
  );
}

function pastNames(shape: Seq2SeqShape): string[] {
  const names: string[] = [];
  for (let i = 0; i < shape.decoderLayers; i++) {
    for (const part of ['decoder.key', 'decoder.value', 'encoder.key', 'encoder.value']) {
      names.push(`past_key_values.${i}.${part}`);
    }
  }
  return names;
}

function decoderOutputs(shape: Seq2SeqShape, withShapes: boolean): ValueDecl[] {
  const out: ValueDecl[] = [
    { name: 'logits', type: F, shape: withShapes ? ['batch_size', 'decoder_sequence_length', shape.vocabSize] : null },
  ];
  for (const past of pastNames(shape)) {
    const isEncoder = past.includes('.encoder.');
    const len = isEncoder ? 'encoder_sequence_length_out' : 'present_decoder_sequence_length';
    out.push({
      name: past.replace('past_key_values', 'present'),
      type: F,
      shape: withShapes ? ['batch_size', shape.numHeads, len, shape.dKv] : null,
    });
  }
  return out;
}

/**
 * The decoder as one graph body. With `withPast`, self-attention extends the cached keys and
 * cross-attention reuses the cached encoder keys (and, as in Optimum's merged export, the encoder
 * presents are empty). Without it, the past inputs are ignored and everything is computed.
 */
function decoderBody(g: GraphBuilder, bank: WeightBank, shape: Seq2SeqShape, withPast: boolean): string[] {
  const b = new Blocks(g, bank, shape);
  const pastLength = withPast
    ? g.op('Shape', ['past_key_values.0.decoder.key'], { start: 2, end: 3 })
    : g.constInt64([0]);
  const newLength = g.op('Shape', ['input_ids'], { start: 1, end: 2 });
  const total = b.scalar(g.op('Add', [pastLength, newLength]));
  const { hidden: embedded, positions } = b.embed('input_ids', b.scalar(pastLength), total);
  const keyPositions = g.op('Range', [g.constInt64([0], []), total, g.constInt64([1], [])]);
  const allowed = g.op('LessOrEqual', [
    g.op('Unsqueeze', [keyPositions, g.constInt64([0])]),
    g.op('Unsqueeze', [positions, g.constInt64([1])]),
  ]);
  const causalBias = g.op('Where', [allowed, g.constFloat([0], []), g.constFloat([-1e9], [])]);
  const crossBias = b.paddingBias('encoder_attention_mask');

  let hidden = embedded;
  const presents: string[] = [];
  for (let i = 0; i < shape.decoderLayers; i++) {
    const p = `decoder.layers.${i}`;
    const past = `past_key_values.${i}`;
    const h = b.layerNorm(hidden, `${p}.ln_self`);
    let k = b.heads(h, `${p}.self.k`);
    let v = b.heads(h, `${p}.self.v`);
    if (withPast) {
      k = g.op('Concat', [`${past}.decoder.key`, k], { axis: 2 });
      v = g.op('Concat', [`${past}.decoder.value`, v], { axis: 2 });
    }
    hidden = g.op('Add', [hidden, b.output(b.attention(b.heads(h, `${p}.self.q`), k, v, causalBias), `${p}.self.o`)]);

    const hc = b.layerNorm(hidden, `${p}.ln_cross`);
    let ck: string;
    let cv: string;
    let presentCk: string;
    let presentCv: string;
    if (withPast) {
      ck = `${past}.encoder.key`;
      cv = `${past}.encoder.value`;
      presentCk = g.constFloat([], [0, shape.numHeads, 1, shape.dKv]);
      presentCv = g.constFloat([], [0, shape.numHeads, 1, shape.dKv]);
    } else {
      ck = presentCk = b.heads('encoder_hidden_states', `${p}.cross.k`);
      cv = presentCv = b.heads('encoder_hidden_states', `${p}.cross.v`);
    }
    const cross = b.attention(b.heads(hc, `${p}.cross.q`), ck, cv, crossBias);
    hidden = g.op('Add', [hidden, b.output(cross, `${p}.cross.o`)]);
    hidden = g.op('Add', [hidden, b.feedForward(b.layerNorm(hidden, `${p}.ln_ff`), `${p}.ff`)]);
    presents.push(k, v, presentCk, presentCv);
  }
  const final = b.layerNorm(hidden, 'decoder.final_ln');
  const logits = b.linear(final, 'lm_head', shape.dModel, shape.vocabSize, LM_HEAD_GAIN);
  return [logits, ...presents];
}

/** Identity nodes give each branch's outputs their own names, as If subgraph outputs require. */
function branch(shape: Seq2SeqShape, bank: WeightBank, withPast: boolean) {
  const prefix = withPast ? 'with_past/' : 'no_past/';
  const g = new GraphBuilder(prefix, bank.initializers);
  const values = decoderBody(g, bank, shape, withPast);
  const outputs = decoderOutputs(shape, false).map((o, i) => ({
    ...o,
    name: g.op('Identity', [values[i]!], {}, `${prefix}${o.name}`),
  }));
  return g.graph(withPast ? 'decoder_with_past' : 'decoder_no_past', [], outputs);
}

function decoderInputs(shape: Seq2SeqShape): ValueDecl[] {
  return [
    { name: 'encoder_attention_mask', type: I64, shape: ['batch_size', 'encoder_sequence_length'] },
    { name: 'input_ids', type: I64, shape: ['batch_size', 'decoder_sequence_length'] },
    { name: 'encoder_hidden_states', type: F, shape: ['batch_size', 'encoder_sequence_length', shape.dModel] },
    ...pastNames(shape).map((name) => ({
      name,
      type: F,
      shape: [
        'batch_size',
        shape.numHeads,
        name.includes('.encoder.') ? 'encoder_sequence_length_out' : 'past_decoder_sequence_length',
        shape.dKv,
      ],
    })),
  ];
}

/** `decoder_model_merged.onnx`: one file whose `use_cache_branch` input picks the branch. */
export function buildMergedDecoder(shape: Seq2SeqShape, seed: number): Uint8Array {
  const bank = new WeightBank(seed);
  const thenBranch = branch(shape, bank, true);
  const elseBranch = branch(shape, bank, false);
  const g = new GraphBuilder('', bank.initializers);
  const outputs = decoderOutputs(shape, true);
  g.multi(
    'If',
    ['use_cache_branch'],
    outputs.map((o) => o.name),
    { then_branch: thenBranch, else_branch: elseBranch },
  );
  return encodeModel(
    g.graph(
      'decoder_merged',
      [...decoderInputs(shape), { name: 'use_cache_branch', type: DataType.BOOL, shape: [1] }],
      outputs,
      true,
    ),
    PRODUCER,
  );
}
