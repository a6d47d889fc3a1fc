import type onnxProto from 'onnx-proto';
import { allNodes, elemType, intAttr, node, renameUses, renameValue, setElemType } from './graph-edit.js';
import { DataType, floatData, rawTensor } from './onnx-graph.js';

const scratch = new Float32Array(1);
const scratchBits = new Uint32Array(scratch.buffer);

/** IEEE 754 half-precision bits of `value`, rounded to nearest even (overflow → ±Infinity). */
export function toHalfBits(value: number): number {
  scratch[0] = value;
  const x = scratchBits[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    return sign | roundShift(mantissa, shift);
  }
  // A carry out of the mantissa correctly bumps the exponent (up to Infinity).
  return sign | ((e << 10) + roundShift(mantissa, 13));
}

function roundShift(value: number, shift: number): number {
  const kept = value >>> shift;
  const rest = value & ((1 << shift) - 1);
  const half = 1 << (shift - 1);
  return rest > half || (rest === half && kept & 1) ? kept + 1 : kept;
}

/**
 * The fp16 variant of a float32 graph, as `model_fp16.onnx` files look from outside: weights are stored
 * as float16, and every float input and output (past, presents, logits) is float16. Inside, Cast nodes
 * bring everything back to float32, so the arithmetic (and the graph's structure) stays the fp32 one.
 */
export function toFloat16(graph: onnxProto.onnx.IGraphProto): void {
  if (allNodes(graph).length !== (graph.node ?? []).length) throw new Error('toFloat16 handles graphs without subgraphs only');
  const head: onnxProto.onnx.INodeProto[] = [];
  const tail: onnxProto.onnx.INodeProto[] = [];
  graph.initializer = (graph.initializer ?? []).map((t) => {
    if (t.dataType !== DataType.FLOAT) return t;
    const name = t.name!;
    head.push(node('Cast', [`${name}/fp16`], [name], [intAttr('to', DataType.FLOAT)]));
    const values = floatData(t);
    const half = new Uint16Array(values.length);
    for (let i = 0; i < values.length; i++) half[i] = toHalfBits(values[i]!);
    return rawTensor(`${name}/fp16`, t.dims as number[], DataType.FLOAT16, half);
  });
  for (const input of graph.input ?? []) {
    if (elemType(input) !== DataType.FLOAT) continue;
    renameUses(graph, input.name!, `${input.name}/fp32`);
    head.push(node('Cast', [input.name!], [`${input.name}/fp32`], [intAttr('to', DataType.FLOAT)]));
    setElemType(input, DataType.FLOAT16);
  }
  for (const output of graph.output ?? []) {
    if (elemType(output) !== DataType.FLOAT) continue;
    renameValue(graph, output.name!, `${output.name}/fp32`);
    tail.push(node('Cast', [`${output.name}/fp32`], [output.name!], [intAttr('to', DataType.FLOAT16)]));
    setElemType(output, DataType.FLOAT16);
  }
  graph.node = [...head, ...(graph.node ?? []), ...tail];
}
