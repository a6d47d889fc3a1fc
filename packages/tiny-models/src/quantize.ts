import type onnxProto from 'onnx-proto';
import { allNodes, intAttr, node } from './graph-edit.js';
import { DataType, floatData, rawTensor } from './onnx-graph.js';

type Tensor = onnxProto.onnx.ITensorProto;

/** Symmetric per-tensor int8: q = round(w / scale), scale = max|w| / 127, zero point 0. */
function quantizeWeight(t: Tensor): { values: Tensor; scale: Tensor; zeroPoint: Tensor } {
  const w = floatData(t);
  let max = 0;
  for (const v of w) max = Math.max(max, Math.abs(v));
  const scale = max / 127 || 1;
  const q = new Int8Array(w.length);
  for (let i = 0; i < w.length; i++) q[i] = Math.max(-127, Math.min(127, Math.round(w[i]! / scale)));
  const name = t.name!;
  return {
    values: rawTensor(`${name}_quantized`, t.dims as number[], DataType.INT8, q),
    scale: rawTensor(`${name}_scale`, [], DataType.FLOAT, Float32Array.of(scale)),
    zeroPoint: rawTensor(`${name}_zero_point`, [], DataType.INT8, Int8Array.of(0)),
  };
}

/**
 * The q8 variant of a float32 graph, built the way onnxruntime's dynamic quantization (which Optimum
 * uses for `model_quantized.onnx`) builds it: each MatMul by a weight becomes DynamicQuantizeLinear on
 * the activation, MatMulInteger with the int8 weight, then a rescale; each embedding Gather reads an
 * int8 table and dequantizes the rows it gathered. Other weights (norms, biases) stay float32.
 */
export function quantizeDynamic(graph: onnxProto.onnx.IGraphProto): void {
  if (allNodes(graph).length !== (graph.node ?? []).length) throw new Error('quantizeDynamic handles graphs without subgraphs only');
  const weights = new Map((graph.initializer ?? []).filter((t) => t.dataType === DataType.FLOAT && t.dims?.length === 2).map((t) => [t.name!, t]));
  const quantized = new Map<string, ReturnType<typeof quantizeWeight>>();
  const weight = (name: string) => {
    let q = quantized.get(name);
    if (!q) {
      q = quantizeWeight(weights.get(name)!);
      quantized.set(name, q);
    }
    return q;
  };
  const activations = new Set<string>();
  const nodes: onnxProto.onnx.INodeProto[] = [];
  for (const n of graph.node ?? []) {
    const [a, b] = n.input ?? [];
    const out = n.output?.[0];
    if (n.opType === 'MatMul' && a && b && out && weights.has(b)) {
      const w = weight(b);
      if (!activations.has(a)) {
        activations.add(a);
        nodes.push(node('DynamicQuantizeLinear', [a], [`${a}_quantized`, `${a}_scale`, `${a}_zero_point`]));
      }
      nodes.push(
        node('MatMulInteger', [`${a}_quantized`, w.values.name!, `${a}_zero_point`, w.zeroPoint.name!], [`${out}_int32`]),
        node('Cast', [`${out}_int32`], [`${out}_int32_float`], [intAttr('to', DataType.FLOAT)]),
        node('Mul', [`${a}_scale`, w.scale.name!], [`${out}_scale`]),
        node('Mul', [`${out}_int32_float`, `${out}_scale`], [out]),
      );
    } else if (n.opType === 'Gather' && a && b && out && weights.has(a)) {
      const w = weight(a);
      nodes.push(
        node('Gather', [w.values.name!, b], [`${out}_quantized`]),
        node('DequantizeLinear', [`${out}_quantized`, w.scale.name!, w.zeroPoint.name!], [out]),
      );
    } else {
      nodes.push(n);
    }
  }
  graph.node = nodes;
  const stillRead = new Set(nodes.flatMap((n) => n.input ?? []));
  graph.initializer = [
    ...(graph.initializer ?? []).filter((t) => !quantized.has(t.name!) || stillRead.has(t.name!)),
    ...[...quantized.values()].flatMap((q) => [q.values, q.scale, q.zeroPoint]),
  ];
}
