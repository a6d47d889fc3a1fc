import { AutoModelForCausalLM, AutoModelForSeq2SeqLM, AutoTokenizer } from '@huggingface/transformers';
import { generateText, loadModel } from '@parley/engine/internals';
import { interleave, ratioOf } from './interleave.js';
import { RawLoop } from './raw-loop.js';
import type { SessionTimer } from './session-timer.js';
import { median } from './stats.js';
import { promptOf, sessionDevice, type SameOptions, type Subject } from './subjects.js';

export interface SingleStreamRow {
  model: string;
  promptTokens: number;
  mode: 'greedy' | 'sampled';
  options: 'same' | 'own defaults';
  parleyTokPerS: number;
  peerTokPerS: number;
  /** transformers.js time / Parley time, median of the per-round ratios. */
  ratio: number;
  ratioRange: [number, number];
  /** Parley time / raw-loop time (greedy, same options only): 1.0 is the floor itself. */
  floorRatio: number | null;
  floorTokPerS: number | null;
  /** Share of Parley's wall time outside session.run. */
  parleyOutsideRun: number;
  peerOutsideRun: number;
}

/** Case (a): one request at a time, 64 new tokens, Parley vs transformers.js (and the raw loop floor). */
export async function singleStream(
  timer: SessionTimer,
  s: Subject,
  same: SameOptions,
  newTokens: number,
  rounds: number,
  promptLengths: number[],
): Promise<SingleStreamRow[]> {
  const rows: SingleStreamRow[] = [];
  const tokenizer = await AutoTokenizer.from_pretrained(s.dir);
  const Auto = s.family === 'seq2seq' ? AutoModelForSeq2SeqLM : AutoModelForCausalLM;
  for (const options of ['same', 'own defaults'] as const) {
    const peer = await Auto.from_pretrained(s.dir, { dtype: 'fp32', device: sessionDevice(same), ...(options === 'same' && { session_options: same }) });
    const ours = await loadModel(s.dir, options === 'same' ? { intraOpThreads: same.intraOpNumThreads, executionProvider: sessionDevice(same) } : { executionProvider: sessionDevice(same) });
    const floor = options === 'same' ? await RawLoop.open(s.dir, s.family, same) : null;
    for (const promptTokens of promptLengths) {
      const text = promptOf(promptTokens, (t) => ours.tokenizer.encode(t).length, s.family === 'seq2seq' ? 'summarize: ' : '');
      const ids = ours.tokenizer.encode(text);
      for (const mode of ['greedy', 'sampled'] as const) {
        const sampled = mode === 'sampled';
        const contenders = {
          parley: () => generateText(ours, text, { maxNewTokens: newTokens, minNewTokens: newTokens, doSample: sampled, seed: 1 }),
          peer: () => peer.generate({ ...tokenizer(text), max_new_tokens: newTokens, min_new_tokens: newTokens, do_sample: sampled }),
          ...(floor && !sampled && { floor: () => floor.run(ids, newTokens) }),
        } as Record<'parley' | 'peer' | 'floor', () => Promise<unknown>>;
        const measured = await interleave(timer, contenders, rounds);
        const tps = (ms: number) => (newTokens / ms) * 1000;
        const r = ratioOf(measured, (m) => m.peer.wallMs / m.parley.wallMs);
        const hasFloor = 'floor' in contenders;
        rows.push({
          model: s.name,
          promptTokens: ids.length,
          mode,
          options,
          parleyTokPerS: median(measured.map((m) => tps(m.parley.wallMs))),
          peerTokPerS: median(measured.map((m) => tps(m.peer.wallMs))),
          ratio: r.median,
          ratioRange: r.range,
          floorRatio: hasFloor ? ratioOf(measured, (m) => m.parley.wallMs / m.floor.wallMs).median : null,
          floorTokPerS: hasFloor ? median(measured.map((m) => tps(m.floor.wallMs))) : null,
          parleyOutsideRun: median(measured.map((m) => 1 - m.parley.runMs / m.parley.wallMs)),
          peerOutsideRun: median(measured.map((m) => 1 - m.peer.runMs / m.peer.wallMs)),
        });
        const row = rows.at(-1)!;
        console.log(
          `(a) ${row.model} · ${row.promptTokens}-token prompt · ${row.mode} · ${row.options}: Parley ${row.parleyTokPerS.toFixed(1)} tok/s, transformers.js ${row.peerTokPerS.toFixed(1)} tok/s → ${row.ratio.toFixed(2)}×` +
            (row.floorRatio !== null ? `; raw loop ${row.floorTokPerS!.toFixed(1)} tok/s, Parley/floor time ${row.floorRatio.toFixed(3)}` : ''),
        );
      }
    }
    await peer.dispose();
    await ours.release();
    await floor?.release();
  }
  return rows;
}
