import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { basename, dirname } from 'node:path';
import ort from 'onnxruntime-node';
import { modelInvalid } from '../errors.js';

// The one module that imports onnxruntime: the rest of the engine takes its classes and types from here.
export const Tensor = ort.Tensor;
export type Tensor = ort.Tensor;
export type InferenceSession = ort.InferenceSession;
/** A session's outputs by name. */
export type SessionOutputs = ort.InferenceSession.OnnxValueMapType;

export interface SessionSettings {
  /** Threads for one operator; defaults to the machine's cores. */
  intraOpThreads?: number;
  executionProvider?: 'cpu' | 'cuda';
}

/** The onnxruntime options both Parley and a peer under comparison should be given. */
export function sessionOptions(settings: SessionSettings): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [settings.executionProvider ?? 'cpu'],
    graphOptimizationLevel: 'all',
    intraOpNumThreads: settings.intraOpThreads ?? availableParallelism(),
    interOpNumThreads: 1,
  };
}

/**
 * Opens an ONNX file; a corrupt or unreadable file is named in the error. `edit` may rewrite the
 * graph before onnxruntime sees it (returning null keeps the file as it is).
 */
export async function openSession(path: string, settings: SessionSettings, edit?: (bytes: Uint8Array) => Uint8Array | null): Promise<InferenceSession> {
  try {
    const edited = edit ? edit(await readFile(path)) : null;
    if (edited) return await ort.InferenceSession.create(edited, sessionOptions(settings));
    return await ort.InferenceSession.create(path, sessionOptions(settings));
  } catch (err) {
    throw modelInvalid(`${shortPath(path)} could not be opened by onnxruntime: ${(err as Error).message}`, err);
  }
}

/** Fails with the file and the names it lacks when a graph is not the export it should be. */
export function requireNames(session: InferenceSession, path: string, inputs: string[], outputs: string[], expected: string): void {
  const missingIn = inputs.filter((n) => !session.inputNames.includes(n));
  const missingOut = outputs.filter((n) => !session.outputNames.includes(n));
  if (missingIn.length || missingOut.length) {
    const missing = [...missingIn.map((n) => `input ${n}`), ...missingOut.map((n) => `output ${n}`)].join(', ');
    throw modelInvalid(`${shortPath(path)} lacks ${missing}: expected ${expected}`);
  }
}

export function shortPath(path: string): string {
  return `${basename(dirname(dirname(path)))}/${basename(dirname(path))}/${basename(path)}`;
}
