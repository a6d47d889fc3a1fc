import { availableParallelism } from 'node:os';
import ort from 'onnxruntime-node';
import { modelInvalid } from './errors.js';

export interface SessionSettings {
  /** Threads for one operator; defaults to the machine's cores. */
  intraOpThreads?: number;
  executionProvider?: 'cpu' | 'cuda';
}

export async function openSession(path: string, settings: SessionSettings): Promise<ort.InferenceSession> {
  try {
    return await ort.InferenceSession.create(path, {
      executionProviders: [settings.executionProvider ?? 'cpu'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: settings.intraOpThreads ?? availableParallelism(),
      interOpNumThreads: 1,
    });
  } catch (err) {
    throw modelInvalid(`${path} could not be opened by onnxruntime: ${(err as Error).message}`, err);
  }
}

export function int64Tensor(rows: number[][]): ort.Tensor {
  const width = rows[0]?.length ?? 0;
  const data = new BigInt64Array(rows.length * width);
  rows.forEach((row, r) => row.forEach((v, c) => (data[r * width + c] = BigInt(v))));
  return new ort.Tensor('int64', data, [rows.length, width]);
}

export function requireInputs(session: ort.InferenceSession, path: string, names: string[]): void {
  const missing = names.filter((n) => !session.inputNames.includes(n));
  if (missing.length) throw modelInvalid(`${path} lacks the inputs ${missing.join(', ')}`);
}
