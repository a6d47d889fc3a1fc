import { loadModel } from '@parley/engine/internals';
import { interleave, ratioOf } from './interleave.js';
import type { SessionTimer } from './session-timer.js';
import { median } from './stats.js';
import { sessionDevice, type SameOptions, type Subject } from './subjects.js';

export interface PrefillRow {
  model: string;
  promptTokens: number;
  asExportedMs: number;
  trimmedMs: number;
  /** As-exported time ÷ trimmed time, median of interleaved pairs. */
  speedup: number;
}

/** Case (c): a decoder-only prompt's prefill with logits for every position (as exported) vs for the last one (trimmed at load). */
export async function prefillSpeedup(timer: SessionTimer, s: Subject, same: SameOptions, lengths: number[], rounds: number): Promise<PrefillRow[]> {
  const asExported = await loadModel(s.dir, { intraOpThreads: same.intraOpNumThreads, executionProvider: sessionDevice(same), trimLogits: false });
  const trimmed = await loadModel(s.dir, { intraOpThreads: same.intraOpNumThreads, executionProvider: sessionDevice(same) });
  if (asExported.kind !== 'causal' || trimmed.kind !== 'causal') throw new Error('prefill speed-up is measured on decoder-only models');
  const rows: PrefillRow[] = [];
  for (const n of lengths) {
    const prompt = Array.from({ length: n }, (_, i) => 100 + ((i * 37) % 1000));
    const measured = await interleave(timer, { asExported: () => asExported.start([prompt]), trimmed: () => trimmed.start([prompt]) }, rounds);
    rows.push({
      model: s.name,
      promptTokens: n,
      asExportedMs: median(measured.map((m) => m.asExported.wallMs)),
      trimmedMs: median(measured.map((m) => m.trimmed.wallMs)),
      speedup: ratioOf(measured, (m) => m.asExported.wallMs / m.trimmed.wallMs).median,
    });
    const r = rows.at(-1)!;
    console.log(`(c) ${s.name} · ${n}-token prefill: as exported ${r.asExportedMs.toFixed(0)} ms, trimmed ${r.trimmedMs.toFixed(0)} ms → ${r.speedup.toFixed(2)}×`);
  }
  await asExported.release();
  await trimmed.release();
  return rows;
}
