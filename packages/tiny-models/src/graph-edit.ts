import onnxProto from 'onnx-proto';

type Graph = onnxProto.onnx.IGraphProto;
type Node = onnxProto.onnx.INodeProto;

/** Every node of `graph` and of its subgraphs (If branches), depth first. */
export function allNodes(graph: Graph): Node[] {
  const out: Node[] = [];
  for (const node of graph.node ?? []) {
    out.push(node);
    for (const attr of node.attribute ?? []) if (attr.g) out.push(...allNodes(attr.g));
  }
  return out;
}

/** Makes every node (subgraphs included) that reads `from` read `to` instead. */
export function renameUses(graph: Graph, from: string, to: string): void {
  for (const node of allNodes(graph)) node.input = (node.input ?? []).map((n) => (n === from ? to : n));
}

/** Renames the value `from`, where it is made (a node output) and wherever it is read. */
export function renameValue(graph: Graph, from: string, to: string): void {
  renameUses(graph, from, to);
  for (const node of allNodes(graph)) node.output = (node.output ?? []).map((n) => (n === from ? to : n));
}

export function node(opType: string, inputs: string[], outputs: string[], attribute: onnxProto.onnx.IAttributeProto[] = []): Node {
  return { opType, name: `${outputs[0]}/node`, input: inputs, output: outputs, attribute };
}

export function intAttr(name: string, i: number): onnxProto.onnx.IAttributeProto {
  return { name, type: onnxProto.onnx.AttributeProto.AttributeType.INT, i };
}

export function elemType(v: onnxProto.onnx.IValueInfoProto): number | null | undefined {
  return v.type?.tensorType?.elemType;
}

export function setElemType(v: onnxProto.onnx.IValueInfoProto, type: number): void {
  v.type!.tensorType!.elemType = type;
}
