import type onnxProto from 'onnx-proto';
import { Layers, type SuppressedTokens } from './layers.js';
import { DataType, GraphBuilder, type ValueDecl } from './onnx-graph.js';
import type { WeightBank } from './weight-bank.js';

/**
 * gpt2: LayerNorm, biases, learned positions. llama: RMSNorm, SwiGLU, grouped-query attention, learned
 * positions. qwen2: llama's blocks with Qwen2's q/k/v biases, rotary positions (θ = ROPE_THETA) and the
 * LM head tied to the token embedding.
 */
export type CausalLMVariant = 'gpt2' | 'llama' | 'qwen2';

/** Qwen2.5's rope_theta. */
export const ROPE_THETA = 1_000_000;

export interface CausalLMShape {
  hiddenSize: number;
  numHeads: number;
  /** Key/value heads; fewer than numHeads means grouped-query attention (llama only; gpt2 uses numHeads). */
  numKvHeads: number;
  numLayers: number;
  intermediateSize: number;
  maxPositions: number;
  vocabSize: number;
}

const F = DataType.FLOAT;
const I64 = DataType.INT64;

/** Scales the LM head so logits stay spread out instead of collapsing onto one token. */
const LM_HEAD_GAIN = 4;
/** Position embeddings as strong as token embeddings, so each step's logits move and greedy text varies. */
const POSITION_STD = 1;

const past = (i: number, part: 'key' | 'value') => `past_key_values.${i}.${part}`;
const present = (i: number, part: 'key' | 'value') => `present.${i}.${part}`;

export function headDim(shape: CausalLMShape): number {
  return shape.hiddenSize / shape.numHeads;
}

export function causalLMInputs(variant: CausalLMVariant, shape: CausalLMShape): ValueDecl[] {
  const cache = (i: number, part: 'key' | 'value'): ValueDecl => ({
    name: past(i, part),
    type: F,
    shape: ['batch_size', shape.numKvHeads, 'past_sequence_length', headDim(shape)],
  });
  return [
    { name: 'input_ids', type: I64, shape: ['batch_size', 'sequence_length'] },
    { name: 'attention_mask', type: I64, shape: ['batch_size', 'past_sequence_length + sequence_length'] },
    { name: 'position_ids', type: I64, shape: ['batch_size', 'sequence_length'] },
    ...Array.from({ length: shape.numLayers }, (_, i) => [cache(i, 'key'), cache(i, 'value')]).flat(),
    ...(variant !== 'gpt2' ? [{ name: 'num_logits_to_keep', type: I64, shape: [] }] : []),
  ];
}

export function causalLMOutputs(shape: CausalLMShape): ValueDecl[] {
  const cache = (i: number, part: 'key' | 'value'): ValueDecl => ({
    name: present(i, part),
    type: F,
    shape: ['batch_size', shape.numKvHeads, 'past_sequence_length + sequence_length', headDim(shape)],
  });
  return [
    { name: 'logits', type: F, shape: ['batch_size', 'sequence_length', shape.vocabSize] },
    ...Array.from({ length: shape.numLayers }, (_, i) => [cache(i, 'key'), cache(i, 'value')]).flat(),
  ];
}

interface CausalLMBodyOptions {
  /** Extend past_key_values.* (else compute from the inputs alone and ignore any past inputs). */
  withPast: boolean;
  /** Slice the hidden states to the last `num_logits_to_keep` positions (llama's 'model' layout). */
  keepInput: boolean;
  /** The value name each output gets in this (sub)graph: logits, present.{i}.key/value. */
  name: (output: string) => string;
}

/**
 * The decoder as the nodes of one (sub)graph. Builds nodes in the same order for `withPast`, whatever
 * `name` does, so the 'model' layout's file stays the same as before the legacy layouts existed.
 */
function causalLMBody(g: GraphBuilder, variant: CausalLMVariant, shape: CausalLMShape, bank: WeightBank, suppressed: SuppressedTokens, o: CausalLMBodyOptions): void {
  const l = new Layers(g, bank);
  const gpt2 = variant === 'gpt2';
  const qwen2 = variant === 'qwen2';
  const { hiddenSize: d, numHeads: heads, numKvHeads: kvHeads, intermediateSize: ff } = shape;
  const dh = headDim(shape);
  const norm = (x: string, name: string) => (gpt2 ? l.layerNorm(x, name, d, 1e-5) : l.rmsNorm(x, name, d, 1e-5));
  const linear = (x: string, name: string, dIn: number, dOut: number) => l.linear(x, name, dIn, dOut, { bias: gpt2 });
  /** q, k and v projections: biased in gpt2 and qwen2. */
  const projection = (x: string, name: string, dIn: number, dOut: number) => l.linear(x, name, dIn, dOut, { bias: gpt2 || qwen2 });

  const pastLength = o.withPast ? g.op('Shape', [past(0, 'key')], { start: 2, end: 3 }) : g.constInt64([0]);
  const newLength = g.op('Shape', ['input_ids'], { start: 1, end: 2 });
  const queryIndices = g.op('Range', [l.scalar(pastLength), l.scalar(g.op('Add', [pastLength, newLength])), g.constInt64([1], [])]);
  const keyCount = l.scalar(g.op('Shape', ['attention_mask'], { start: 1, end: 2 }));
  // Causality follows cache indices; padding follows the mask. Together: [B, 1, S, past + S].
  const bias = g.op('Add', [l.causalBias(queryIndices, keyCount), l.paddingBias('attention_mask')]);

  const tokens = bank.normal(gpt2 ? 'transformer.wte' : 'model.embed_tokens', [shape.vocabSize, d], 1);
  let hidden = g.op('Gather', [tokens, 'input_ids']);
  const rotary = qwen2 ? l.rotaryTables('position_ids', dh, ROPE_THETA) : null;
  if (!rotary) {
    const positions = bank.normal(gpt2 ? 'transformer.wpe' : 'model.embed_positions', [shape.maxPositions, d], POSITION_STD);
    hidden = g.op('Add', [hidden, g.op('Gather', [positions, 'position_ids'])]);
  }

  for (let i = 0; i < shape.numLayers; i++) {
    const p = gpt2 ? `transformer.h.${i}` : `model.layers.${i}`;
    const attnIn = norm(hidden, gpt2 ? `${p}.ln_1` : `${p}.input_layernorm`);
    const a = gpt2 ? `${p}.attn` : `${p}.self_attn`;
    let q = l.splitHeads(projection(attnIn, `${a}.q_proj`, d, heads * dh), heads, dh);
    if (rotary) q = l.rotate(q, rotary, dh);
    const kv = (part: 'key' | 'value') => {
      let fresh = l.splitHeads(projection(attnIn, `${a}.${part[0]}_proj`, d, kvHeads * dh), kvHeads, dh);
      if (rotary && part === 'key') fresh = l.rotate(fresh, rotary, dh);
      return o.withPast ? g.op('Concat', [past(i, part), fresh], { axis: 2 }, o.name(present(i, part))) : g.op('Identity', [fresh], {}, o.name(present(i, part)));
    };
    const k = kv('key');
    const v = kv('value');
    const repeats = heads / kvHeads;
    const attn = l.attention(q, l.repeatHeads(k, kvHeads, repeats, dh), l.repeatHeads(v, kvHeads, repeats, dh), bias, dh);
    hidden = g.op('Add', [hidden, linear(l.mergeHeads(attn, heads * dh), `${a}.o_proj`, heads * dh, d)]);

    const mlpIn = norm(hidden, gpt2 ? `${p}.ln_2` : `${p}.post_attention_layernorm`);
    const m = `${p}.mlp`;
    const mlp = gpt2
      ? linear(l.gelu(linear(mlpIn, `${m}.c_fc`, d, ff), 'tanh'), `${m}.c_proj`, ff, d)
      : linear(g.op('Mul', [l.silu(linear(mlpIn, `${m}.gate_proj`, d, ff)), linear(mlpIn, `${m}.up_proj`, d, ff)]), `${m}.down_proj`, ff, d);
    hidden = g.op('Add', [hidden, mlp]);
  }

  let final = norm(hidden, gpt2 ? 'transformer.ln_f' : 'model.norm');
  if (o.keepInput) {
    const keep = g.op('Unsqueeze', ['num_logits_to_keep', g.constInt64([0])]);
    final = g.op('Slice', [final, g.op('Neg', [keep]), g.constInt64([Number.MAX_SAFE_INTEGER]), g.constInt64([1])]);
  }
  // A tied head multiplies by the embedding through a Transpose node, as Optimum exports tied weights;
  // scaled so its logits spread like the untied head's.
  const logits = qwen2
    ? g.op('Mul', [g.op('MatMul', [final, g.op('Transpose', [tokens], { perm: [1, 0] })]), g.constFloat([LM_HEAD_GAIN / Math.sqrt(d)], [])])
    : l.linear(final, 'lm_head', d, shape.vocabSize, { gain: LM_HEAD_GAIN });
  g.op('Identity', [l.suppressTokens(logits, shape.vocabSize, suppressed)], {}, o.name('logits'));
}

const graphName = (variant: CausalLMVariant) => (variant === 'gpt2' ? 'transformer' : 'model');
const same = (output: string) => output;

/**
 * A decoder-only transformer with a KV cache, as Optimum exports them: the attention mask covers past
 * and new positions and masks keys where it is 0 (left padding), position_ids pick the learned position
 * embeddings (so a padded row sees the positions it would see alone), and presents are past + new keys.
 *
 * gpt2: LayerNorm, biases, GELU MLP, as many KV heads as query heads. llama: RMSNorm, no biases,
 * SwiGLU MLP, grouped-query attention, and `num_logits_to_keep` (logits for the last k positions only;
 * 0 keeps all). Both use learned absolute positions (no rotary embedding) and an untied LM head.
 * qwen2: llama plus q/k/v biases, rotary positions instead of a position table, and a tied LM head.
 */
export function buildCausalLM(variant: CausalLMVariant, shape: CausalLMShape, bank: WeightBank, suppressed: SuppressedTokens): onnxProto.onnx.IGraphProto {
  const g = new GraphBuilder('', bank.initializers);
  causalLMBody(g, variant, shape, bank, suppressed, { withPast: true, keepInput: variant !== 'gpt2', name: same });
  return g.graph(`${graphName(variant)}_causal_lm`, causalLMInputs(variant, shape), causalLMOutputs(shape), true);
}

/** Legacy (`optimum-cli export onnx --legacy`) inputs: no num_logits_to_keep; past inputs only `withPast`. */
function legacyInputs(shape: CausalLMShape, withPast: boolean): ValueDecl[] {
  return causalLMInputs('gpt2', shape).filter((v) => withPast || !v.name.startsWith('past_key_values.'));
}

/** Legacy outputs; without past, presents (and the mask) span sequence_length only. */
function legacyOutputs(shape: CausalLMShape, withPast: boolean): ValueDecl[] {
  return causalLMOutputs(shape).map((v) => (withPast || v.name === 'logits' ? v : { ...v, shape: v.shape!.map((d) => (d === 'past_sequence_length + sequence_length' ? 'sequence_length' : d)) }));
}

/**
 * Legacy `decoder_model.onnx` (`withPast` false: no past inputs, presents of the inputs alone) or
 * `decoder_with_past_model.onnx` (`withPast` true). Neither takes num_logits_to_keep: logits cover every position.
 */
export function buildLegacyDecoder(variant: CausalLMVariant, shape: CausalLMShape, bank: WeightBank, suppressed: SuppressedTokens, withPast: boolean): onnxProto.onnx.IGraphProto {
  const g = new GraphBuilder('', bank.initializers);
  causalLMBody(g, variant, shape, bank, suppressed, { withPast, keepInput: false, name: same });
  const inputs = legacyInputs(shape, withPast).map((v) => (withPast || v.name !== 'attention_mask' ? v : { ...v, shape: ['batch_size', 'sequence_length'] }));
  return g.graph(`${graphName(variant)}_${withPast ? 'decoder_with_past' : 'decoder'}`, inputs, legacyOutputs(shape, withPast), true);
}

/**
 * Legacy `decoder_model_merged.onnx`: every input of the with-past decoder plus `use_cache_branch` (bool [1]);
 * an If runs the with-past body when it is true and the no-past body (past inputs ignored) when false.
 */
export function buildLegacyMergedDecoder(variant: CausalLMVariant, shape: CausalLMShape, bank: WeightBank, suppressed: SuppressedTokens): onnxProto.onnx.IGraphProto {
  const outputs = legacyOutputs(shape, true);
  const branch = (withPast: boolean) => {
    const prefix = withPast ? 'with_past/' : 'no_past/';
    const g = new GraphBuilder(prefix, bank.initializers);
    causalLMBody(g, variant, shape, bank, suppressed, { withPast, keepInput: false, name: (output) => `${prefix}${output}` });
    return g.graph(withPast ? 'decoder_with_past' : 'decoder_no_past', [], outputs.map((o) => ({ ...o, name: `${prefix}${o.name}`, shape: null })));
  };
  const thenBranch = branch(true);
  const elseBranch = branch(false);
  const g = new GraphBuilder('', bank.initializers);
  g.multi('If', ['use_cache_branch'], outputs.map((o) => o.name), { then_branch: thenBranch, else_branch: elseBranch });
  const inputs = [...legacyInputs(shape, true), { name: 'use_cache_branch', type: DataType.BOOL, shape: [1] }];
  return g.graph(`${graphName(variant)}_decoder_merged`, inputs, outputs, true);
}
