import type { GraphBuilder } from './onnx-graph.js';
import type { WeightBank } from './weight-bank.js';

export interface Dims {
  dModel: number;
  numHeads: number;
  dKv: number;
  dFf: number;
  vocabSize: number;
  maxPositions: number;
}

/** Building blocks of a pre-norm transformer, written as ONNX nodes. */
export class Blocks {
  constructor(
    private readonly g: GraphBuilder,
    private readonly w: WeightBank,
    private readonly d: Dims,
  ) {}

  layerNorm(x: string, name: string): string {
    const scale = this.w.filled(`${name}.weight`, [this.d.dModel], 1);
    const bias = this.w.filled(`${name}.bias`, [this.d.dModel], 0);
    return this.g.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: 1e-6 });
  }

  linear(x: string, name: string, dIn: number, dOut: number, gain = 1): string {
    return this.g.op('MatMul', [x, this.w.normal(name, [dIn, dOut], gain / Math.sqrt(dIn))]);
  }

  /** [B, S, H·dk] → [B, H, S, dk] */
  splitHeads(x: string): string {
    const shape = this.g.constInt64([0, 0, this.d.numHeads, this.d.dKv]);
    return this.g.op('Transpose', [this.g.op('Reshape', [x, shape])], { perm: [0, 2, 1, 3] });
  }

  /** [B, H, S, dk] → [B, S, H·dk] */
  mergeHeads(x: string): string {
    const shape = this.g.constInt64([0, 0, this.d.numHeads * this.d.dKv]);
    return this.g.op('Reshape', [this.g.op('Transpose', [x], { perm: [0, 2, 1, 3] }), shape]);
  }

  /** Scaled dot-product attention; `bias` broadcasts to [B, H, S_q, S_k] (0 = keep, -1e9 = masked). */
  attention(q: string, k: string, v: string, bias: string): string {
    const scores = this.g.op('MatMul', [q, this.g.op('Transpose', [k], { perm: [0, 1, 3, 2] })]);
    const scaled = this.g.op('Mul', [scores, this.g.constFloat([1 / Math.sqrt(this.d.dKv)], [])]);
    const probs = this.g.op('Softmax', [this.g.op('Add', [scaled, bias])], { axis: -1 });
    return this.g.op('MatMul', [probs, v]);
  }

  /** Projects hidden states to per-head keys or values. */
  heads(x: string, name: string): string {
    return this.splitHeads(this.linear(x, name, this.d.dModel, this.d.numHeads * this.d.dKv));
  }

  output(attn: string, name: string): string {
    return this.linear(this.mergeHeads(attn), name, this.d.numHeads * this.d.dKv, this.d.dModel);
  }

  feedForward(x: string, name: string): string {
    const hidden = this.g.op('Relu', [this.linear(x, `${name}.wi`, this.d.dModel, this.d.dFf)]);
    return this.linear(hidden, `${name}.wo`, this.d.dFf, this.d.dModel);
  }

  /** A padding mask [B, L] (int64, 1 = token) as an additive bias [B, 1, 1, L]. */
  paddingBias(mask: string): string {
    const m = this.g.op('Cast', [mask], { to: 1 });
    const inverted = this.g.op('Sub', [this.g.constFloat([1], []), m]);
    const bias = this.g.op('Mul', [inverted, this.g.constFloat([-1e9], [])]);
    return this.g.op('Unsqueeze', [bias, this.g.constInt64([1, 2])]);
  }

  /** Token plus learned absolute position embeddings for positions [start, start + S). */
  embed(inputIds: string, start: string, end: string): { hidden: string; positions: string } {
    const positions = this.g.op('Range', [start, end, this.g.constInt64([1], [])]);
    const table = this.w.normal('shared.embed_tokens', [this.d.vocabSize, this.d.dModel], 1);
    const posTable = this.w.normal('shared.embed_positions', [this.d.maxPositions, this.d.dModel], 0.5);
    const tokens = this.g.op('Gather', [table, inputIds]);
    return { hidden: this.g.op('Add', [tokens, this.g.op('Gather', [posTable, positions])]), positions };
  }

  /** Scalar int64 from a one-element shape slice. */
  scalar(oneElement: string): string {
    return this.g.op('Squeeze', [oneElement]);
  }
}
