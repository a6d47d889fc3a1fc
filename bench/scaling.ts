import { Batcher, UNLIMITED_BATCH, asGenerative, generateText, loadModel } from '@parley/engine/internals';
import type { SessionTimer } from './session-timer.js';
import { median } from './stats.js';
import { promptOf, sessionDevice, type SameOptions, type Subject } from './subjects.js';

export interface ScalingRow {
  model: string;
  batch: number;
  tokPerS: number;
  /** Share of the wall time spent outside session.run: sampling, processors, cache merges and slices, tensor building. */
  outsideRun: number;
}

/** Case (c) and the step profile: `batch` requests of 32 prompt tokens submitted together, greedy. */
export async function scaling(timer: SessionTimer, s: Subject, same: SameOptions, sizes: number[], newTokens: number, rounds: number): Promise<ScalingRow[]> {
  const ours = await loadModel(s.dir, { intraOpThreads: same.intraOpNumThreads, executionProvider: sessionDevice(same) });
  const text = promptOf(32, (t) => ours.tokenizer.encode(t).length, s.family === 'seq2seq' ? 'summarize: ' : '');
  const rows: ScalingRow[] = [];
  for (const batch of sizes) {
    const run = () => {
      const batcher = new Batcher(asGenerative(ours), UNLIMITED_BATCH);
      return Promise.all(
        Array.from({ length: batch }, (_, i) => generateText(ours, text, { maxNewTokens: newTokens, minNewTokens: newTokens, seed: i }, {}, (r) => batcher.submit(r))),
      );
    };
    await run();
    const measured = [];
    for (let r = 0; r < rounds; r++) measured.push(await timer.measure(run));
    rows.push({
      model: s.name,
      batch,
      tokPerS: median(measured.map((m) => ((batch * newTokens) / m.wallMs) * 1000)),
      outsideRun: median(measured.map((m) => 1 - m.runMs / m.wallMs)),
    });
    const row = rows.at(-1)!;
    console.log(`(c) ${s.name} · batch ${batch}: ${row.tokPerS.toFixed(1)} tok/s, ${(row.outsideRun * 100).toFixed(1)}% of the time outside session.run`);
  }
  await ours.release();
  return rows;
}
