import { Blocks, type Dims, type FeedForward } from './blocks.js';
import type { SuppressedTokens } from './layers.js';
import { DataType, GraphBuilder, encodeModel, type ValueDecl } from './onnx-graph.js';
import type { WeightBank } from './weight-bank.js';

export interface Seq2SeqShape extends Dims {
  encoderLayers: number;
  decoderLayers: number;
}

/** What sets one seq2seq architecture apart from another; every field optional, the original T5 fixture by default. */
export interface Seq2SeqArch {
  /** The feed-forward block ('relu' by default). */
  feedForward?: FeedForward;
  /**
   * The LM head reads the shared token embedding (Marian's tied embeddings) plus a final_logits_bias, as
   * Optimum exports tied weights: one stored table, and a Transpose node where the head multiplies by it.
   */
  tiedHead?: boolean;
}

/** The name the (tied) LM head's weight table has: the token embedding every file of a model shares. */
const EMBED_TOKENS = 'shared.embed_tokens';

const F = DataType.FLOAT;
const I64 = DataType.INT64;

/** Scales the LM head so logits stay spread out instead of collapsing onto one token. */
const LM_HEAD_GAIN = 3;

export function buildEncoder(shape: Seq2SeqShape, bank: WeightBank, arch: Seq2SeqArch = {}): Uint8Array {
  const g = new GraphBuilder('', bank.initializers);
  const b = new Blocks(g, bank, shape, arch.feedForward);
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
  );
}

type Kind = 'decoder' | 'encoder';
const PARTS: [Kind, 'key' | 'value'][] = [
  ['decoder', 'key'],
  ['decoder', 'value'],
  ['encoder', 'key'],
  ['encoder', 'value'],
];

/** Per layer, in Optimum's order: decoder.key, decoder.value, encoder.key, encoder.value. */
function cacheNames(shape: Seq2SeqShape, prefix: 'past_key_values' | 'present', kinds: Kind[]): string[] {
  const names: string[] = [];
  for (let i = 0; i < shape.decoderLayers; i++) {
    for (const [kind, part] of PARTS) if (kinds.includes(kind)) names.push(`${prefix}.${i}.${kind}.${part}`);
  }
  return names;
}

function cacheDecls(shape: Seq2SeqShape, names: string[], decoderLength: string): ValueDecl[] {
  return names.map((name) => ({
    name,
    type: F,
    shape: ['batch_size', shape.numHeads, name.includes('.encoder.') ? 'encoder_sequence_length_out' : decoderLength, shape.dKv],
  }));
}

interface DecoderValues {
  logits: string;
  /** Per layer: self-attention key and value including the new positions. */
  selfKv: [string, string][];
  /** Per layer: cross-attention key and value, computed only without past. */
  crossKv: [string, string][];
}

/**
 * The decoder as one graph body. With `withPast`, self-attention extends the cached keys and
 * cross-attention reuses the cached encoder keys (encoder_hidden_states is then unused, as in
 * Optimum's with-past decoder). Without it, everything is computed from the inputs.
 */
function decoderBody(g: GraphBuilder, bank: WeightBank, shape: Seq2SeqShape, suppressed: SuppressedTokens, withPast: boolean, arch: Seq2SeqArch = {}, tiedWeight?: string): DecoderValues {
  const b = new Blocks(g, bank, shape, arch.feedForward);
  const pastLength = withPast ? g.op('Shape', ['past_key_values.0.decoder.key'], { start: 2, end: 3 }) : g.constInt64([0]);
  const newLength = g.op('Shape', ['input_ids'], { start: 1, end: 2 });
  const total = b.scalar(g.op('Add', [pastLength, newLength]));
  const { hidden: embedded, positions } = b.embed('input_ids', b.scalar(pastLength), total);
  const causalBias = b.layers.causalBias(positions, total);
  const crossBias = b.paddingBias('encoder_attention_mask');

  let hidden = embedded;
  const values: DecoderValues = { logits: '', selfKv: [], crossKv: [] };
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
    values.selfKv.push([k, v]);
    hidden = g.op('Add', [hidden, b.output(b.attention(b.heads(h, `${p}.self.q`), k, v, causalBias), `${p}.self.o`)]);

    const hc = b.layerNorm(hidden, `${p}.ln_cross`);
    let ck = `${past}.encoder.key`;
    let cv = `${past}.encoder.value`;
    if (!withPast) {
      ck = b.heads('encoder_hidden_states', `${p}.cross.k`);
      cv = b.heads('encoder_hidden_states', `${p}.cross.v`);
      values.crossKv.push([ck, cv]);
    }
    const cross = b.attention(b.heads(hc, `${p}.cross.q`), ck, cv, crossBias);
    hidden = g.op('Add', [hidden, b.output(cross, `${p}.cross.o`)]);
    hidden = g.op('Add', [hidden, b.feedForward(b.layerNorm(hidden, `${p}.ln_ff`), `${p}.ff`)]);
  }
  const final = b.layerNorm(hidden, 'decoder.final_ln');
  let logits: string;
  if (tiedWeight) {
    // [d_model, vocab] from the embedding (std 1): scaled to the untied head's spread, plus Marian's final_logits_bias.
    const scaled = g.op('Mul', [g.op('MatMul', [final, tiedWeight]), g.constFloat([LM_HEAD_GAIN / Math.sqrt(shape.dModel)], [])]);
    logits = g.op('Add', [scaled, bank.filled('final_logits_bias', [1, shape.vocabSize], 0)]);
  } else {
    logits = b.linear(final, 'lm_head', shape.dModel, shape.vocabSize, LM_HEAD_GAIN);
  }
  values.logits = b.layers.suppressTokens(logits, shape.vocabSize, suppressed);
  return values;
}

/** With a tied head: the transposed embedding, computed once in `g` (the graph that holds the weights). */
function tiedHeadWeight(g: GraphBuilder, bank: WeightBank, shape: Seq2SeqShape, arch: Seq2SeqArch): string | undefined {
  if (!arch.tiedHead) return undefined;
  return g.op('Transpose', [bank.normal(EMBED_TOKENS, [shape.vocabSize, shape.dModel], 1)], { perm: [1, 0] });
}

/** Output values in declaration order, with or without the cross-attention presents. */
function orderedOutputs(shape: Seq2SeqShape, v: DecoderValues, cross: 'computed' | 'empty' | 'none', g: GraphBuilder): string[] {
  const out = [v.logits];
  for (let i = 0; i < shape.decoderLayers; i++) {
    out.push(...v.selfKv[i]!);
    // Optimum's merge gives the with-past branch empty constant cross presents of shape [0, heads, 1, d_kv].
    if (cross === 'empty') out.push(g.constFloat([], [0, shape.numHeads, 1, shape.dKv]), g.constFloat([], [0, shape.numHeads, 1, shape.dKv]));
    if (cross === 'computed') out.push(...v.crossKv[i]!);
  }
  return out;
}

/** Routes `values` to the declared outputs' names (If branches need their own names, so `prefix` them). */
function nameOutputs(g: GraphBuilder, values: string[], outputs: ValueDecl[], prefix = ''): ValueDecl[] {
  return outputs.map((o, i) => ({ ...o, name: g.op('Identity', [values[i]!], {}, `${prefix}${o.name}`) }));
}

function logitsDecl(shape: Seq2SeqShape, length: string | number): ValueDecl {
  return { name: 'logits', type: F, shape: ['batch_size', length, shape.vocabSize] };
}

const encoderMask: ValueDecl = { name: 'encoder_attention_mask', type: I64, shape: ['batch_size', 'encoder_sequence_length'] };
const decoderIds: ValueDecl = { name: 'input_ids', type: I64, shape: ['batch_size', 'decoder_sequence_length'] };

function encoderStates(shape: Seq2SeqShape): ValueDecl {
  return { name: 'encoder_hidden_states', type: F, shape: ['batch_size', 'encoder_sequence_length', shape.dModel] };
}

/** `decoder_model_merged.onnx`: one file whose `use_cache_branch` input picks the branch. */
export function buildMergedDecoder(shape: Seq2SeqShape, bank: WeightBank, suppressed: SuppressedTokens, arch: Seq2SeqArch = {}): Uint8Array {
  const g = new GraphBuilder('', bank.initializers);
  const tied = tiedHeadWeight(g, bank, shape, arch);
  const outputs = [
    logitsDecl(shape, 'decoder_sequence_length'),
    ...cacheDecls(shape, cacheNames(shape, 'present', ['decoder', 'encoder']), 'present_decoder_sequence_length'),
  ];
  const branch = (withPast: boolean) => {
    const prefix = withPast ? 'with_past/' : 'no_past/';
    const g = new GraphBuilder(prefix, bank.initializers);
    const values = orderedOutputs(shape, decoderBody(g, bank, shape, suppressed, withPast, arch, tied), withPast ? 'empty' : 'computed', g);
    const unshaped = outputs.map((o) => ({ ...o, shape: null }));
    return g.graph(withPast ? 'decoder_with_past' : 'decoder_no_past', [], nameOutputs(g, values, unshaped, prefix));
  };
  const thenBranch = branch(true);
  const elseBranch = branch(false);
  g.multi('If', ['use_cache_branch'], outputs.map((o) => o.name), { then_branch: thenBranch, else_branch: elseBranch });
  const inputs = [
    encoderMask,
    decoderIds,
    encoderStates(shape),
    ...cacheDecls(shape, cacheNames(shape, 'past_key_values', ['decoder', 'encoder']), 'past_decoder_sequence_length'),
    { name: 'use_cache_branch', type: DataType.BOOL, shape: [1] },
  ];
  return encodeModel(g.graph('decoder_merged', inputs, outputs, true));
}

/** `decoder_model.onnx`: the first step, no past inputs; returns the self- and cross-attention presents. */
export function buildDecoder(shape: Seq2SeqShape, bank: WeightBank, suppressed: SuppressedTokens, arch: Seq2SeqArch = {}): Uint8Array {
  const g = new GraphBuilder('', bank.initializers);
  const values = orderedOutputs(shape, decoderBody(g, bank, shape, suppressed, false, arch, tiedHeadWeight(g, bank, shape, arch)), 'computed', g);
  const outputs = [
    logitsDecl(shape, 'decoder_sequence_length'),
    ...cacheDecls(shape, cacheNames(shape, 'present', ['decoder', 'encoder']), 'decoder_sequence_length'),
  ];
  const inputs = [encoderMask, decoderIds, encoderStates(shape)];
  return encodeModel(g.graph('decoder', inputs, nameOutputs(g, values, outputs), true));
}

/**
 * `decoder_with_past_model.onnx`: one new token per call; takes every past (self and cross), returns
 * only the self-attention presents, and has no encoder_hidden_states input (it would be unused).
 */
export function buildDecoderWithPast(shape: Seq2SeqShape, bank: WeightBank, suppressed: SuppressedTokens, arch: Seq2SeqArch = {}): Uint8Array {
  const g = new GraphBuilder('', bank.initializers);
  const values = orderedOutputs(shape, decoderBody(g, bank, shape, suppressed, true, arch, tiedHeadWeight(g, bank, shape, arch)), 'none', g);
  const outputs = [
    logitsDecl(shape, 1),
    ...cacheDecls(shape, cacheNames(shape, 'present', ['decoder']), 'past_decoder_sequence_length + 1'),
  ];
  const inputs = [
    encoderMask,
    { ...decoderIds, shape: ['batch_size', 1] },
    ...cacheDecls(shape, cacheNames(shape, 'past_key_values', ['decoder', 'encoder']), 'past_decoder_sequence_length'),
  ];
  return encodeModel(g.graph('decoder_with_past', inputs, nameOutputs(g, values, outputs), true));
}
