import { Layers } from './layers.js';
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

/**
 * The feed-forward block: 'relu' (original T5: wi → ReLU → wo), 'gated-gelu' (T5 v1.1 / Flan-T5:
 * GELU(wi_0 x) · wi_1 x → wo) or 'swish' (Marian: wi → SiLU → wo).
 */
export type FeedForward = 'relu' | 'gated-gelu' | 'swish';

/** The T5-style pre-norm transformer blocks of the seq2seq fixture, bound to its dimensions. */
export class Blocks {
  readonly layers: Layers;

  constructor(
    private readonly g: GraphBuilder,
    private readonly w: WeightBank,
    private readonly d: Dims,
    private readonly ff: FeedForward = 'relu',
  ) {
    this.layers = new Layers(g, w);
  }

  layerNorm(x: string, name: string): string {
    return this.layers.layerNorm(x, name, this.d.dModel, 1e-6);
  }

  linear(x: string, name: string, dIn: number, dOut: number, gain = 1): string {
    return this.layers.linear(x, name, dIn, dOut, { gain });
  }

  attention(q: string, k: string, v: string, bias: string): string {
    return this.layers.attention(q, k, v, bias, this.d.dKv);
  }

  /** Projects hidden states to per-head keys or values. */
  heads(x: string, name: string): string {
    return this.layers.splitHeads(this.linear(x, name, this.d.dModel, this.d.numHeads * this.d.dKv), this.d.numHeads, this.d.dKv);
  }

  output(attn: string, name: string): string {
    const width = this.d.numHeads * this.d.dKv;
    return this.linear(this.layers.mergeHeads(attn, width), name, width, this.d.dModel);
  }

  feedForward(x: string, name: string): string {
    let hidden: string;
    if (this.ff === 'gated-gelu') {
      const gate = this.layers.gelu(this.linear(x, `${name}.wi_0`, this.d.dModel, this.d.dFf), 'tanh');
      hidden = this.g.op('Mul', [gate, this.linear(x, `${name}.wi_1`, this.d.dModel, this.d.dFf)]);
    } else if (this.ff === 'swish') {
      hidden = this.layers.silu(this.linear(x, `${name}.wi`, this.d.dModel, this.d.dFf));
    } else {
      hidden = this.g.op('Relu', [this.linear(x, `${name}.wi`, this.d.dModel, this.d.dFf)]);
    }
    return this.linear(hidden, `${name}.wo`, this.d.dFf, this.d.dModel);
  }

  paddingBias(mask: string): string {
    return this.layers.paddingBias(mask);
  }

  /** Token plus learned absolute position embeddings for positions [start, start + S). */
  embed(inputIds: string, start: string, end: string): { hidden: string; positions: string } {
    const positions = this.g.op('Range', [start, end, this.g.constInt64([1], [])]);
    const table = this.w.normal('shared.embed_tokens', [this.d.vocabSize, this.d.dModel], 1);
    const posTable = this.w.normal('shared.embed_positions', [this.d.maxPositions, this.d.dModel], 1);
    const tokens = this.g.op('Gather', [table, inputIds]);
    return { hidden: this.g.op('Add', [tokens, this.g.op('Gather', [posTable, positions])]), positions };
  }

  scalar(oneElement: string): string {
    return this.layers.scalar(oneElement);
  }
}
