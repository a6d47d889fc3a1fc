import { SeededRandom } from './rng.js';
import { floatTensor } from './onnx-graph.js';
import type onnxProto from 'onnx-proto';

function hashName(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

/**
 * Named weights, each drawn from its own seed (model seed × name), so a weight has the same
 * values in every file and branch that uses it, whatever order the graphs are built in.
 */
export class WeightBank {
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly made = new Set<string>();

  constructor(
    private readonly seed: number,
    /** Draws shared with sibling banks, so several files of one model draw each weight once. */
    private readonly drawn = new Map<string, Float32Array>(),
  ) {}

  /** A bank for another graph of the same model: the same values, its own initializer list. */
  sibling(): WeightBank {
    return new WeightBank(this.seed, this.drawn);
  }

  normal(name: string, dims: number[], std: number): string {
    return this.add(name, dims, () => new SeededRandom(this.seed ^ hashName(name)).normalArray(size(dims), std));
  }

  filled(name: string, dims: number[], value: number): string {
    return this.add(name, dims, () => new Float32Array(size(dims)).fill(value));
  }

  /** A weight with the given values. */
  fixed(name: string, dims: number[], values: number[]): string {
    return this.add(name, dims, () => Float32Array.from(values));
  }

  private add(name: string, dims: number[], make: () => Float32Array): string {
    if (!this.made.has(name)) {
      this.made.add(name);
      let data = this.drawn.get(name);
      if (!data) {
        data = make();
        this.drawn.set(name, data);
      }
      this.initializers.push(floatTensor(name, dims, data));
    }
    return name;
  }
}

function size(dims: number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}
