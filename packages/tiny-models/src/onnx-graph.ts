import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
export const DataType = onnx.TensorProto.DataType;
export type Dim = number | string;

export const OPSET = 17;
const PRODUCER = 'parley-tiny-models';

/** A value declared as a graph input or output, with its element type and (possibly symbolic) shape. */
export interface ValueDecl {
  name: string;
  type: number;
  /** null leaves the shape unspecified (allowed for subgraph outputs). */
  shape: Dim[] | null;
}

type AttrValue = number | number[] | string | onnxProto.onnx.IGraphProto | onnxProto.onnx.ITensorProto;

export function valueInfo(v: ValueDecl): onnxProto.onnx.IValueInfoProto {
  return {
    name: v.name,
    type: {
      tensorType: {
        elemType: v.type,
        ...(v.shape && { shape: { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) } }),
      },
    },
  };
}

/** A tensor whose values are the bytes of `data`, little-endian as ONNX raw_data requires (and x86/ARM store). */
export function rawTensor(name: string, dims: number[], dataType: number, data: ArrayBufferView): onnxProto.onnx.ITensorProto {
  return { name, dims, dataType, rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export function floatTensor(name: string, dims: number[], data: Float32Array): onnxProto.onnx.ITensorProto {
  return rawTensor(name, dims, DataType.FLOAT, data);
}

/** The float32 values of a FLOAT tensor built by `floatTensor` (a view, not a copy). */
export function floatData(t: onnxProto.onnx.ITensorProto): Float32Array {
  const raw = t.rawData!;
  return new Float32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
}

export function int64Tensor(name: string, dims: number[], values: number[]): onnxProto.onnx.ITensorProto {
  return rawTensor(name, dims, DataType.INT64, BigInt64Array.from(values.map((v) => BigInt(v))));
}

function attribute(name: string, value: AttrValue): onnxProto.onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { name, type: A.INT, i: value } : { name, type: A.FLOAT, f: value };
  }
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
  if ('node' in value) return { name, type: A.GRAPH, g: value };
  return { name, type: A.TENSOR, t: value };
}

/**
 * Collects nodes for one (sub)graph. Every generated name carries the builder's prefix, so a
 * subgraph never shadows a name of its parent, which ONNX forbids.
 */
export class GraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private counter = 0;

  constructor(
    private readonly prefix: string,
    /** Weights live in the root graph; subgraphs read them from the outer scope. */
    readonly initializers: onnxProto.onnx.ITensorProto[],
  ) {}

  op(opType: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outputName?: string): string {
    const out = outputName ?? `${this.prefix}${opType.toLowerCase()}_${this.counter++}`;
    this.nodes.push({
      opType,
      name: `${this.prefix}node_${this.counter++}`,
      input: inputs,
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** A node with several outputs; returns the output names. */
  multi(opType: string, inputs: string[], outputs: string[], attrs: Record<string, AttrValue> = {}): string[] {
    this.nodes.push({
      opType,
      name: `${this.prefix}node_${this.counter++}`,
      input: inputs,
      output: outputs,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return outputs;
  }

  constFloat(values: number[], dims: number[] = [values.length]): string {
    const name = `${this.prefix}const_${this.counter++}`;
    return this.op('Constant', [], { value: floatTensor(name, dims, Float32Array.from(values)) }, name);
  }

  constInt64(values: number[], dims: number[] = [values.length]): string {
    const name = `${this.prefix}const_${this.counter++}`;
    return this.op('Constant', [], { value: int64Tensor(name, dims, values) }, name);
  }

  weight(name: string, dims: number[], data: Float32Array): string {
    this.initializers.push(floatTensor(name, dims, data));
    return name;
  }

  /** `root` graphs carry the weights; subgraphs reach them through the outer scope. */
  graph(name: string, inputs: ValueDecl[], outputs: ValueDecl[], root = false): onnxProto.onnx.IGraphProto {
    return {
      name,
      node: this.nodes,
      input: inputs.map(valueInfo),
      output: outputs.map(valueInfo),
      ...(root && { initializer: this.initializers }),
    };
  }
}

export function encodeModel(graph: onnxProto.onnx.IGraphProto, producer = PRODUCER): Uint8Array {
  const model = onnx.ModelProto.create({
    irVersion: 8,
    producerName: producer,
    opsetImport: [{ domain: '', version: OPSET }],
    graph,
  });
  return onnx.ModelProto.encode(model).finish();
}
