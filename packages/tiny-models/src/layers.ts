import type { GraphBuilder } from './onnx-graph.js';
import type { WeightBank } from './weight-bank.js';

/**
 * Additive bias of a masked attention score. Finite, so a row with every key masked (a left-pad
 * query) gets a uniform softmax instead of NaN, as Hugging Face models do.
 */
const MASKED = -1e9;

/** Logit offset of token ids a random model must never generate (finite, and within float16 range). */
const SUPPRESSED_LOGIT = -1e4;

/**
 * Token ids that get SUPPRESSED_LOGIT: the tokenizer's special tokens (so random text never stops early
 * on EOS and always reaches max_new_tokens) and ids beyond the tokenizer's vocabulary (a padded one).
 */
export interface SuppressedTokens {
  tokenizerSize: number;
  specialIds: number[];
}

export interface LinearOptions {
  bias?: boolean;
  /** Output std relative to the input's, for unit-variance inputs. */
  gain?: number;
}

/** Transformer building blocks written as ONNX nodes; weights come from the bank by name. */
export class Layers {
  constructor(
    readonly g: GraphBuilder,
    readonly w: WeightBank,
  ) {}

  linear(x: string, name: string, dIn: number, dOut: number, { bias = false, gain = 1 }: LinearOptions = {}): string {
    const y = this.g.op('MatMul', [x, this.w.normal(name, [dIn, dOut], gain / Math.sqrt(dIn))]);
    return bias ? this.g.op('Add', [y, this.w.normal(`${name}.bias`, [dOut], 0.1)]) : y;
  }

  layerNorm(x: string, name: string, dim: number, epsilon: number): string {
    const scale = this.w.filled(`${name}.weight`, [dim], 1);
    const bias = this.w.filled(`${name}.bias`, [dim], 0);
    return this.g.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon });
  }

  /** x / sqrt(mean(x²) + ε) · weight, from primitive ops (no LayerNormalization, no bias). */
  rmsNorm(x: string, name: string, dim: number, epsilon: number): string {
    const g = this.g;
    const meanSquare = g.op('ReduceMean', [g.op('Mul', [x, x])], { axes: [-1], keepdims: 1 });
    const inverseRms = g.op('Reciprocal', [g.op('Sqrt', [g.op('Add', [meanSquare, g.constFloat([epsilon], [])])])]);
    return g.op('Mul', [g.op('Mul', [x, inverseRms]), this.w.filled(`${name}.weight`, [dim], 1)]);
  }

  /** GELU: exact (x/2 · (1 + erf(x/√2)), BERT) or GPT-2's tanh approximation ("gelu_new"). */
  gelu(x: string, form: 'erf' | 'tanh'): string {
    const g = this.g;
    const half = g.op('Mul', [x, g.constFloat([0.5], [])]);
    if (form === 'erf') {
      const e = g.op('Erf', [g.op('Mul', [x, g.constFloat([Math.SQRT1_2], [])])]);
      return g.op('Mul', [half, g.op('Add', [e, g.constFloat([1], [])])]);
    }
    const cube = g.op('Mul', [g.op('Mul', [x, x]), x]);
    const inner = g.op('Add', [x, g.op('Mul', [cube, g.constFloat([0.044715], [])])]);
    const t = g.op('Tanh', [g.op('Mul', [inner, g.constFloat([Math.sqrt(2 / Math.PI)], [])])]);
    return g.op('Mul', [half, g.op('Add', [t, g.constFloat([1], [])])]);
  }

  silu(x: string): string {
    return this.g.op('Mul', [x, this.g.op('Sigmoid', [x])]);
  }

  /** [B, S, H·dh] → [B, H, S, dh] */
  splitHeads(x: string, heads: number, headDim: number): string {
    const shape = this.g.constInt64([0, 0, heads, headDim]);
    return this.g.op('Transpose', [this.g.op('Reshape', [x, shape])], { perm: [0, 2, 1, 3] });
  }

  /** [B, H, S, dh] → [B, S, H·dh] */
  mergeHeads(x: string, width: number): string {
    const shape = this.g.constInt64([0, 0, width]);
    return this.g.op('Reshape', [this.g.op('Transpose', [x], { perm: [0, 2, 1, 3] }), shape]);
  }

  /** Grouped-query attention: [B, Hkv, T, dh] → [B, Hkv·repeats, T, dh], each KV head serving `repeats` query heads. */
  repeatHeads(x: string, kvHeads: number, repeats: number, headDim: number): string {
    if (repeats === 1) return x;
    const g = this.g;
    const expanded = g.op('Expand', [g.op('Unsqueeze', [x, g.constInt64([2])]), g.constInt64([1, 1, repeats, 1, 1])]);
    return g.op('Reshape', [expanded, g.constInt64([0, kvHeads * repeats, -1, headDim])]);
  }

  /**
   * Rotary position tables for `positionIds` [B, S] (int64): cos and sin of position × θ^(-2i/dh), each
   * half repeated as Hugging Face's rotate_half expects, shaped [B, 1, S, dh] to broadcast over heads.
   */
  rotaryTables(positionIds: string, headDim: number, theta: number): { cos: string; sin: string } {
    const g = this.g;
    const inverse = Array.from({ length: headDim / 2 }, (_, i) => theta ** ((-2 * i) / headDim));
    const positions = g.op('Unsqueeze', [g.op('Cast', [positionIds], { to: 1 }), g.constInt64([-1])]);
    const freqs = g.op('Mul', [positions, g.constFloat(inverse)]);
    const angles = g.op('Concat', [freqs, freqs], { axis: -1 });
    const heads = (x: string) => g.op('Unsqueeze', [x, g.constInt64([1])]);
    return { cos: heads(g.op('Cos', [angles])), sin: heads(g.op('Sin', [angles])) };
  }

  /** x · cos + rotate_half(x) · sin for x [B, H, S, dh], rotate_half(x) = [-x₂, x₁]. */
  rotate(x: string, tables: { cos: string; sin: string }, headDim: number): string {
    const g = this.g;
    const half = headDim / 2;
    const slice = (from: number, to: number) => g.op('Slice', [x, g.constInt64([from]), g.constInt64([to]), g.constInt64([-1])]);
    const rotated = g.op('Concat', [g.op('Neg', [slice(half, headDim)]), slice(0, half)], { axis: -1 });
    return g.op('Add', [g.op('Mul', [x, tables.cos]), g.op('Mul', [rotated, tables.sin])]);
  }

  /** Scaled dot-product attention; `bias` broadcasts to [B, H, S_q, S_k] (0 = keep, MASKED = masked). */
  attention(q: string, k: string, v: string, bias: string, headDim: number): string {
    const g = this.g;
    const scores = g.op('MatMul', [q, g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]);
    const scaled = g.op('Mul', [scores, g.constFloat([1 / Math.sqrt(headDim)], [])]);
    const probs = g.op('Softmax', [g.op('Add', [scaled, bias])], { axis: -1 });
    return g.op('MatMul', [probs, v]);
  }

  /** A padding mask [B, L] (int64, 1 = token) as an additive bias [B, 1, 1, L]. */
  paddingBias(mask: string): string {
    const g = this.g;
    const inverted = g.op('Sub', [g.constFloat([1], []), g.op('Cast', [mask], { to: 1 })]);
    const bias = g.op('Mul', [inverted, g.constFloat([MASKED], [])]);
    return g.op('Unsqueeze', [bias, g.constInt64([1, 2])]);
  }

  /** Bias [S, T] letting query i (at key index `queryIndices[i]`) see keys 0 … queryIndices[i]. */
  causalBias(queryIndices: string, keyCount: string): string {
    const g = this.g;
    const keys = g.op('Range', [g.constInt64([0], []), keyCount, g.constInt64([1], [])]);
    const allowed = g.op('LessOrEqual', [
      g.op('Unsqueeze', [keys, g.constInt64([0])]),
      g.op('Unsqueeze', [queryIndices, g.constInt64([1])]),
    ]);
    return g.op('Where', [allowed, g.constFloat([0], []), g.constFloat([MASKED], [])]);
  }

  /** Adds SUPPRESSED_LOGIT to the logits of `suppressed` tokens; padded ids keep their share of the compute. */
  suppressTokens(logits: string, vocabSize: number, suppressed: SuppressedTokens): string {
    const offsets = new Array<number>(vocabSize).fill(0, 0, suppressed.tokenizerSize).fill(SUPPRESSED_LOGIT, suppressed.tokenizerSize);
    for (const id of suppressed.specialIds) offsets[id] = SUPPRESSED_LOGIT;
    return this.g.op('Add', [logits, this.g.constFloat(offsets)]);
  }

  /** Scalar int64 from a one-element shape slice. */
  scalar(oneElement: string): string {
    return this.g.op('Squeeze', [oneElement]);
  }
}
