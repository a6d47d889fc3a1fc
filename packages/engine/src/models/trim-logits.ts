import onnxProto from 'onnx-proto';
import { applyGraphEdits, producers } from './graph-edits.js';

const { onnx } = onnxProto;

/** Ops that may sit between the language-model head and the `logits` output, position-wise. */
const POSITIONWISE = new Set(['Identity', 'Add', 'Sub', 'Mul', 'Div', 'Cast', 'Tanh']);

/**
 * A decoder-only graph that returns logits for the last position only: a Slice on the sequence
 * axis goes in front of the language-model head, so a prompt's prefill no longer multiplies every
 * position by the vocabulary matrix just for the last row to be read. Returns null (use the file
 * as it is) when the graph already has num_logits_to_keep, has no KV cache (a token classifier
 * needs every position), keeps its weights outside the file, or its head is not a plain MatMul.
 */
export function trimLogitsToLast(bytes: Uint8Array): Uint8Array | null {
  return applyGraphEdits(bytes, [trimLogits]);
}

/** The edit itself, on a decoded graph (see trimLogitsToLast). */
export function trimLogits(model: onnxProto.onnx.ModelProto): boolean {
  const graph = model.graph;
  if (!graph) return false;
  const inputs = (graph.input ?? []).map((i) => i.name ?? '');
  const outputs = (graph.output ?? []).map((o) => o.name ?? '');
  if (!outputs.some((n) => n.startsWith('present.')) || inputs.some((n) => n === 'num_logits_to_keep' || n === 'logits_to_keep')) return false;
  const producer = producers(graph);
  const weights = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  for (const node of graph.node ?? []) if (node.opType === 'Constant') for (const out of node.output ?? []) weights.add(out);

  let node = producer.get('logits');
  while (node && POSITIONWISE.has(node.opType ?? '')) {
    const activations = (node.input ?? []).filter((n) => !weights.has(n) && producer.has(n));
    if (activations.length !== 1) return false;
    node = producer.get(activations[0]!);
  }
  if (!node || node.opType !== 'MatMul' || !weights.has(node.input?.[1] ?? '')) return false;

  const hidden = node.input![0]!;
  const name = (suffix: string) => `parley_trim/${suffix}`;
  const int64 = (suffix: string, values: number[]) =>
    onnx.TensorProto.create({ name: name(suffix), dataType: onnx.TensorProto.DataType.INT64, dims: [values.length], int64Data: values });
  graph.initializer!.push(int64('starts', [-1]), int64('ends', [Number.MAX_SAFE_INTEGER]), int64('axes', [1]));
  const slice = onnx.NodeProto.create({ name: name('slice'), opType: 'Slice', input: [hidden, name('starts'), name('ends'), name('axes')], output: [name('last')] });
  node.input![0] = name('last');
  graph.node!.splice(graph.node!.indexOf(node), 0, slice);
  // The output's sequence axis is now 1, no longer the input's sequence_length.
  const logitsDims = graph.output?.find((o) => o.name === 'logits')?.type?.tensorType?.shape?.dim;
  if (logitsDims?.[1]) logitsDims[1] = onnx.TensorShapeProto.Dimension.create({ dimValue: 1 });
  return true;
}
