import type onnxProto from 'onnx-proto';
import { Layers, type SuppressedTokens } from './layers.js';
import { DataType, GraphBuilder, type ValueDecl } from './onnx-graph.js';
import type { WeightBank } from './weight-bank.js';

export type CausalLMVariant = 'gpt2' | 'llama';

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
    ...(variant === 'llama' ? [{ name: 'num_logits_to_keep', type: I64, shape: [] }] : []),
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

/**
 * A decoder-only transformer with a KV cache, as Optimum exports them: the attention mask covers past
 * and new positions and masks keys where it is 0 (left padding), position_ids pick the learned position
 * embeddings (so a padded row sees the positions it would see alone), and presents are past + new keys.
 *
 * gpt2: LayerNorm, biases, GELU MLP, as many KV heads as query heads. llama: RMSNorm, no biases,
 * SwiGLU MLP, grouped-query attention, and `num_logits_to_keep` (logits for the last k positions only;
 * 0 keeps all). Both use learned absolute positions (no rotary embedding) and an untied LM head.
 */
export function buildCausalLM(variant: CausalLMVariant, shape: CausalLMShape, bank: WeightBank, suppressed: SuppressedTokens): onnxProto.onnx.IGraphProto {
  const g = new GraphBuilder('', bank.initializers);
  const l = new Layers(g, bank);
  const gpt2 = variant === 'gpt2';
  const { hiddenSize: d, numHeads: heads, numKvHeads: kvHeads, intermediateSize: ff } = shape;
  const dh = headDim(shape);
  const norm = (x: string, name: string) => (gpt2 ? l.layerNorm(x, name, d, 1e-5) : l.rmsNorm(x, name, d, 1e-5));
  const linear = (x: string, name: string, dIn: number, dOut: number) => l.linear(x, name, dIn, dOut, { bias: gpt2 });

  const pastLength = g.op('Shape', [past(0, 'key')], { start: 2, end: 3 });
  const newLength = g.op('Shape', ['input_ids'], { start: 1, end: 2 });
  const queryIndices = g.op('Range', [l.scalar(pastLength), l.scalar(g.op('Add', [pastLength, newLength])), g.constInt64([1], [])]);
  const keyCount = l.scalar(g.op('Shape', ['attention_mask'], { start: 1, end: 2 }));
  // Causality follows cache indices; padding follows the mask. Together: [B, 1, S, past + S].
  const bias = g.op('Add', [l.causalBias(queryIndices, keyCount), l.paddingBias('attention_mask')]);

  const prefix = gpt2 ? 'transformer' : 'model';
  const tokens = bank.normal(gpt2 ? 'transformer.wte' : 'model.embed_tokens', [shape.vocabSize, d], 1);
  const positions = bank.normal(gpt2 ? 'transformer.wpe' : 'model.embed_positions', [shape.maxPositions, d], POSITION_STD);
  let hidden = g.op('Add', [g.op('Gather', [tokens, 'input_ids']), g.op('Gather', [positions, 'position_ids'])]);

  for (let i = 0; i < shape.numLayers; i++) {
    const p = gpt2 ? `transformer.h.${i}` : `model.layers.${i}`;
    const attnIn = norm(hidden, gpt2 ? `${p}.ln_1` : `${p}.input_layernorm`);
    const a = gpt2 ? `${p}.attn` : `${p}.self_attn`;
    const q = l.splitHeads(linear(attnIn, `${a}.q_proj`, d, heads * dh), heads, dh);
    const newKv = (part: 'k' | 'v') => l.splitHeads(linear(attnIn, `${a}.${part}_proj`, d, kvHeads * dh), kvHeads, dh);
    const k = g.op('Concat', [past(i, 'key'), newKv('k')], { axis: 2 }, present(i, 'key'));
    const v = g.op('Concat', [past(i, 'value'), newKv('v')], { axis: 2 }, present(i, 'value'));
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
  if (!gpt2) {
    const keep = g.op('Unsqueeze', ['num_logits_to_keep', g.constInt64([0])]);
    final = g.op('Slice', [final, g.op('Neg', [keep]), g.constInt64([Number.MAX_SAFE_INTEGER]), g.constInt64([1])]);
  }
  const logits = l.linear(final, 'lm_head', d, shape.vocabSize, { gain: LM_HEAD_GAIN });
  g.op('Identity', [l.suppressTokens(logits, shape.vocabSize, suppressed)], {}, 'logits');
  return g.graph(`${prefix}_causal_lm`, causalLMInputs(variant, shape), causalLMOutputs(shape), true);
}
