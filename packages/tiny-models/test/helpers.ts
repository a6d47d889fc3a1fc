import ort from 'onnxruntime-node';
import { mkdtemp, readFile, readdir, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export type Feeds = Record<string, ort.Tensor>;

export function tempDir(label: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `parley-tiny-${label}-`));
}

export async function readJson<T = Record<string, unknown>>(dir: string, name: string): Promise<T> {
  return JSON.parse(await readFile(join(dir, name), 'utf8')) as T;
}

/** Every file under `dir`, relative, sorted. */
export async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

/** Path → modification time, to show a cached folder was not rewritten. */
export async function mtimes(dir: string): Promise<Record<string, number>> {
  const files = await listFiles(dir);
  return Object.fromEntries(await Promise.all(files.map(async (f) => [f, (await stat(join(dir, f))).mtimeMs] as const)));
}

export function int64(values: number[] | number[][]): ort.Tensor {
  const rows = (Array.isArray(values[0]) ? values : [values]) as number[][];
  const width = rows[0]!.length;
  return new ort.Tensor('int64', BigInt64Array.from(rows.flat().map(BigInt)), [rows.length, width]);
}

export function emptyCache(session: ort.InferenceSession, batch: number, type: 'float32' | 'float16' = 'float32'): Feeds {
  const feeds: Feeds = {};
  for (const meta of session.inputMetadata) {
    if (!meta.name.startsWith('past_key_values.') || !meta.isTensor) continue;
    const dims = meta.shape.map((d) => (d === 'batch_size' ? batch : typeof d === 'number' ? d : 0));
    feeds[meta.name] = new ort.Tensor(type, type === 'float32' ? new Float32Array(0) : new Uint16Array(0), dims);
  }
  return feeds;
}

/** The float32 values of a float32 or float16 tensor. */
export function floats(t: ort.Tensor): Float32Array {
  if (t.type === 'float32') return t.data as Float32Array;
  if (t.type !== 'float16') throw new Error(`not a float tensor: ${t.type}`);
  return Float32Array.from(t.data as Uint16Array, halfToFloat);
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 31) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** Row `position` of a [batch, length, vocab] logits tensor, for batch row `row`. */
export function logitsAt(logits: ort.Tensor, row: number, position: number): Float32Array {
  const [, length, vocab] = logits.dims as [number, number, number];
  const start = (row * length + position) * vocab;
  return floats(logits).slice(start, start + vocab);
}

export function argmax(values: Float32Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

export function maxAbs(a: Float32Array): number {
  let m = 0;
  for (const v of a) m = Math.max(m, Math.abs(v));
  return m;
}

export function correlation(a: Float32Array, b: Float32Array): number {
  const mean = (x: Float32Array) => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(a);
  const mb = mean(b);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i]! - ma) * (b[i]! - mb);
    aa += (a[i]! - ma) ** 2;
    bb += (b[i]! - mb) ** 2;
  }
  return ab / Math.sqrt(aa * bb);
}

/** Input and output names, element types and shapes, as a comparable list. */
export function signature(session: ort.InferenceSession): { inputs: string[]; outputs: string[] } {
  const show = (m: ort.InferenceSession.ValueMetadata) => (m.isTensor ? `${m.name}: ${m.type} [${m.shape.join(', ')}]` : m.name);
  return { inputs: session.inputMetadata.map(show), outputs: session.outputMetadata.map(show) };
}
