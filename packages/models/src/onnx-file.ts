import { open, type FileHandle } from 'node:fs/promises';

/*
 * Just enough of ONNX's protobuf (onnx.proto) to check that a file is a model and to find the
 * external data files its tensors name, reading only field headers and skipping tensor bytes, so a
 * graph of gigabytes costs a few reads. Field numbers are onnx.proto's.
 */

/** Why a file is not an ONNX model; the caller puts it in its own words. */
export class NotOnnxError extends Error {}

const MODEL = { irVersion: 1, graph: 7, functions: 25 } as const;
const GRAPH = { node: 1, initializer: 5, sparseInitializer: 15 } as const;
const NODE = { attribute: 5 } as const;
const FUNCTION = { node: 7 } as const;
const ATTRIBUTE = { t: 5, g: 6, tensors: 10, graphs: 11, sparseTensor: 22, sparseTensors: 23 } as const;
const SPARSE = { values: 1, indices: 2 } as const;
const TENSOR = { externalData: 13, dataLocation: 14 } as const;
const ENTRY = { key: 1, value: 2 } as const;
const EXTERNAL = 1;

const WINDOW = 1 << 16;
/** What a repo cloned without Git LFS holds instead of each large file. */
const LFS_POINTER = 'version https://git-lfs';

/** Reads a file through a window that moves forward as the walk does. */
class Reader {
  private buffer = Buffer.alloc(0);
  private start = 0;
  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  /** At least `n` bytes from `pos` (fewer at the end of the file), and where they start in the buffer. */
  async at(pos: number, n: number): Promise<{ bytes: Buffer; offset: number }> {
    const want = Math.min(n, this.size - pos);
    if (pos < this.start || pos + want > this.start + this.buffer.length) {
      const length = Math.min(Math.max(want, WINDOW), this.size - pos);
      this.buffer = Buffer.alloc(length);
      const { bytesRead } = await this.handle.read(this.buffer, 0, length, pos);
      this.buffer = this.buffer.subarray(0, bytesRead);
      this.start = pos;
    }
    return { bytes: this.buffer, offset: pos - this.start };
  }
}

interface Field {
  number: number;
  wireType: number;
  /** A varint's value. */
  value: number;
  /** A length-delimited field's bytes: [start, end). */
  start: number;
  end: number;
}

function varint(bytes: Buffer, offset: number, limit: number): { value: number; next: number } {
  let value = 0;
  let scale = 1;
  for (let i = offset; i < limit && i < offset + 10; i++) {
    const b = bytes[i]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
    if ((b & 0x80) === 0) return { value, next: i + 1 };
  }
  throw new NotOnnxError('it is cut off or is not protobuf');
}

/** The fields of the message in [start, end), one at a time. */
async function* fields(reader: Reader, start: number, end: number): AsyncGenerator<Field> {
  let pos = start;
  while (pos < end) {
    const { bytes, offset } = await reader.at(pos, 20);
    const limit = offset + Math.min(20, end - pos);
    const tag = varint(bytes, offset, limit);
    const number = Math.floor(tag.value / 8);
    const wireType = tag.value % 8;
    if (number === 0) throw new NotOnnxError('it is not protobuf');
    let next: number;
    let value = 0;
    let dataStart = 0;
    if (wireType === 0) {
      const v = varint(bytes, tag.next, limit);
      value = v.value;
      next = pos + (v.next - offset);
    } else if (wireType === 2) {
      const length = varint(bytes, tag.next, limit);
      dataStart = pos + (length.next - offset);
      next = dataStart + length.value;
    } else if (wireType === 1) {
      next = pos + (tag.next - offset) + 8;
    } else if (wireType === 5) {
      next = pos + (tag.next - offset) + 4;
    } else {
      throw new NotOnnxError('it is not protobuf');
    }
    if (next > end) throw new NotOnnxError('it is cut off');
    yield { number, wireType, value, start: dataStart, end: next };
    pos = next;
  }
}

async function text(reader: Reader, field: Field): Promise<string> {
  const { bytes, offset } = await reader.at(field.start, field.end - field.start);
  return bytes.toString('utf8', offset, offset + (field.end - field.start));
}

/** A sub-message of `field` walked by `walk`, if the field is one. */
const sub = (field: Field, number: number) => field.number === number && field.wireType === 2;

async function walkTensor(reader: Reader, start: number, end: number, found: Set<string>): Promise<void> {
  let external = false;
  const locations: string[] = [];
  for await (const f of fields(reader, start, end)) {
    if (f.number === TENSOR.dataLocation && f.wireType === 0) external = f.value === EXTERNAL;
    if (sub(f, TENSOR.externalData)) {
      let key = '';
      let value = '';
      for await (const e of fields(reader, f.start, f.end)) {
        if (sub(e, ENTRY.key)) key = await text(reader, e);
        if (sub(e, ENTRY.value)) value = await text(reader, e);
      }
      if (key === 'location') locations.push(value);
    }
  }
  if (external) for (const l of locations) found.add(l);
}

async function walkSparse(reader: Reader, start: number, end: number, found: Set<string>): Promise<void> {
  for await (const f of fields(reader, start, end)) {
    if (sub(f, SPARSE.values) || sub(f, SPARSE.indices)) await walkTensor(reader, f.start, f.end, found);
  }
}

async function walkAttribute(reader: Reader, start: number, end: number, found: Set<string>): Promise<void> {
  for await (const f of fields(reader, start, end)) {
    if (sub(f, ATTRIBUTE.t) || sub(f, ATTRIBUTE.tensors)) await walkTensor(reader, f.start, f.end, found);
    else if (sub(f, ATTRIBUTE.g) || sub(f, ATTRIBUTE.graphs)) await walkGraph(reader, f.start, f.end, found);
    else if (sub(f, ATTRIBUTE.sparseTensor) || sub(f, ATTRIBUTE.sparseTensors)) await walkSparse(reader, f.start, f.end, found);
  }
}

async function walkNode(reader: Reader, start: number, end: number, found: Set<string>): Promise<void> {
  for await (const f of fields(reader, start, end)) if (sub(f, NODE.attribute)) await walkAttribute(reader, f.start, f.end, found);
}

async function walkGraph(reader: Reader, start: number, end: number, found: Set<string>): Promise<void> {
  for await (const f of fields(reader, start, end)) {
    if (sub(f, GRAPH.node)) await walkNode(reader, f.start, f.end, found);
    else if (sub(f, GRAPH.initializer)) await walkTensor(reader, f.start, f.end, found);
    else if (sub(f, GRAPH.sparseInitializer)) await walkSparse(reader, f.start, f.end, found);
  }
}

/**
 * Checks that `path` holds an ONNX model (it starts with ir_version, as every ONNX writer puts it,
 * and has a graph) and returns the external data files its tensors name, relative to the model's
 * folder. Throws NotOnnxError saying why not.
 */
export async function externalDataOf(path: string): Promise<string[]> {
  const handle = await open(path, 'r');
  try {
    const { size } = await handle.stat();
    if (size === 0) throw new NotOnnxError('it is empty');
    const reader = new Reader(handle, size);
    const { bytes, offset } = await reader.at(0, LFS_POINTER.length);
    if (bytes.toString('latin1', offset, offset + LFS_POINTER.length) === LFS_POINTER) {
      throw new NotOnnxError('it is a Git LFS pointer, not the file: run git lfs pull where it was cloned');
    }
    if (bytes[offset] !== MODEL.irVersion * 8) throw new NotOnnxError('it does not start like an ONNX model');
    const found = new Set<string>();
    let graphs = 0;
    for await (const f of fields(reader, 0, size)) {
      if (sub(f, MODEL.graph)) {
        graphs++;
        await walkGraph(reader, f.start, f.end, found);
      } else if (sub(f, MODEL.functions)) {
        for await (const g of fields(reader, f.start, f.end)) if (sub(g, FUNCTION.node)) await walkNode(reader, g.start, g.end, found);
      }
    }
    if (graphs === 0) throw new NotOnnxError('it has no graph');
    return [...found];
  } finally {
    await handle.close();
  }
}
