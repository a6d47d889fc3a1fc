import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** Rewrites a decoded graph in place; returns false (and leaves it untouched) where it does not apply. */
export type GraphEdit = (model: onnxProto.onnx.ModelProto) => boolean;

/**
 * Applies the edits to an ONNX file's bytes, decoding and encoding it once. Returns null (use the
 * file as it is) when no edit applied, or when the graph keeps its weights in external files: a
 * graph handed to onnxruntime as bytes has no folder to find them in.
 */
export function applyGraphEdits(bytes: Uint8Array, edits: readonly GraphEdit[]): Uint8Array | null {
  if (!edits.length) return null;
  const model = onnx.ModelProto.decode(bytes);
  if (!model.graph || (model.graph.initializer ?? []).some((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL)) return null;
  let changed = false;
  for (const edit of edits) changed = edit(model) || changed;
  return changed ? onnx.ModelProto.encode(model).finish() : null;
}

/** Each value's producing node, by output name. */
export function producers(graph: onnxProto.onnx.IGraphProto): Map<string, onnxProto.onnx.INodeProto> {
  const producer = new Map<string, onnxProto.onnx.INodeProto>();
  for (const node of graph.node ?? []) for (const out of node.output ?? []) producer.set(out, node);
  return producer;
}
