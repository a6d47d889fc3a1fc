import onnxProto from 'onnx-proto';
import { producers } from './graph-edits.js';

const { onnx } = onnxProto;

/** What an edited graph returns in place of `present.N.key`: `parley_new.N.key`, the fed positions only. */
export const NEW_KV_PREFIX = 'parley_new.';

const PAST = 'past_key_values.';
const PRESENT = 'present.';

/**
 * A decoder-only graph whose cache outputs hold only the keys and values of the positions fed in
 * this run, not the whole cache with them appended. As exported, every step makes a
 * `present = Concat(past, new)` output per layer, and onnxruntime-node copies each into a fresh
 * buffer: at 8 rows × 512 positions that is ~150 MB allocated, page-faulted and copied per token,
 * more than the model's own arithmetic. Edited, the caller keeps the cache in buffers with room
 * to grow and writes the new position into them (kv-slots.ts).
 *
 * Applies only where it is safe: every `present.*` output is a Concat of its own past input on
 * the position axis, and the graph takes `position_ids` and `attention_mask`, so unused cache
 * slots are masked out and no position is derived from the cache's length.
 */
export function returnNewKeyValues(model: onnxProto.onnx.ModelProto): boolean {
  const graph = model.graph;
  if (!graph) return false;
  const inputs = new Set((graph.input ?? []).map((i) => i.name ?? ''));
  if (!inputs.has('position_ids') || !inputs.has('attention_mask')) return false;
  const producer = producers(graph);
  const presents = (graph.output ?? []).filter((o) => (o.name ?? '').startsWith(PRESENT));
  if (!presents.length) return false;
  const fresh = new Map<string, string>();
  for (const present of presents) {
    const name = present.name!;
    const node = producer.get(name);
    const axis = node?.attribute?.find((a) => a.name === 'axis')?.i;
    const past = PAST + name.slice(PRESENT.length);
    if (node?.opType !== 'Concat' || node.input?.length !== 2 || node.input[0] !== past || !inputs.has(past)) return false;
    if (Number(axis) !== 2 && Number(axis) !== -2) return false;
    fresh.set(name, node.input[1]!);
  }
  for (const present of presents) {
    const name = present.name!;
    const renamed = NEW_KV_PREFIX + name.slice(PRESENT.length);
    graph.node!.push(onnx.NodeProto.create({ name: `parley_new/${name}`, opType: 'Identity', input: [fresh.get(name)!], output: [renamed] }));
    present.name = renamed;
    const dims = present.type?.tensorType?.shape?.dim;
    if (dims?.[2]) dims[2] = onnx.TensorShapeProto.Dimension.create({ dimParam: 'new_sequence_length' });
  }
  return true;
}
