import type { BoundRow } from './batch-bound.js';
import type { ConcurrentRow } from './concurrent.js';
import type { PrefillRow } from './prefill.js';
import type { ScalingRow } from './scaling.js';
import type { SingleStreamRow } from './single-stream.js';

const x = (v: number | null | undefined) => (v === null || v === undefined ? '—' : `${v.toFixed(2)}×`);
const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
const min = (values: number[]) => (values.length ? Math.min(...values) : null);
const newTokens = (meta: Record<string, unknown>) => Number(meta['newTokens'] ?? 64);

/** The headline ratios the issue's targets name, then every row, as JSON and as markdown tables. */
export function report(meta: Record<string, unknown>, single: SingleStreamRow[], conc: ConcurrentRow[], scale: ScalingRow[], prefill: PrefillRow[], bounds: BoundRow[] = []) {
  const sameRows = single.filter((r) => r.options === 'same');
  const eight = (model: string) => conc.find((r) => r.requests === 8 && r.model === model && r.contender === 'parley batcher');
  /** transformers.js one at a time, as measured, over Parley's ideal batched time: the ceiling of case (b)'s ratio. */
  const ceiling = (b: BoundRow | undefined) => {
    const peer = b && conc.find((r) => r.requests === b.requests && r.model === b.model && r.contender === 'transformers.js one at a time');
    return b && peer ? (b.requests * newTokens(meta)) / peer.tokPerS / (b.batchedMs / 1000) : null;
  };
  const bound = (model: string) => bounds.find((r) => r.model === model);
  const headline = {
    /** Worst case over (a) with the same session options: Parley tok/s ÷ transformers.js tok/s. */
    single_stream_ratio: min(sameRows.map((r) => r.ratio)),
    /** Same, each engine with its own defaults. */
    single_stream_ratio_own_defaults: min(single.filter((r) => r.options === 'own defaults').map((r) => r.ratio)),
    /** Worst case over greedy (a) rows: Parley tok/s ÷ the raw onnxruntime loop's (1 = the floor). */
    floor_ratio: min(sameRows.filter((r) => r.floorRatio !== null).map((r) => 1 / r.floorRatio!)),
    /** 8 staggered requests, flan-t5-small dims: Parley's batcher ÷ transformers.js one at a time, aggregate tok/s. */
    concurrent8_ratio: eight('flan-t5-small dims')?.ratio ?? null,
    /** The same on distilgpt2 dims. */
    concurrent8_ratio_decoder: eight('distilgpt2 dims')?.ratio ?? null,
    /** The ceiling batching allows case (b) on flan-t5-small dims here, from Parley's prefill and step times (batch-bound.ts). */
    concurrent8_bound: bound('flan-t5-small dims')?.bound ?? null,
    /** The same on distilgpt2 dims (over Parley one at a time; transformers.js is slower there, see (a)). */
    concurrent8_bound_decoder: bound('distilgpt2 dims')?.bound ?? null,
    /** concurrent8_ratio's ceiling: transformers.js one at a time as measured ÷ Parley's ideal batched time. */
    concurrent8_ceiling: ceiling(bound('flan-t5-small dims')),
    /** The same on distilgpt2 dims. */
    concurrent8_ceiling_decoder: ceiling(bound('distilgpt2 dims')),
    /** Decoder-only prefill, logits for every position ÷ for the last one only (512-token prompt). */
    prefill_speedup: prefill.find((r) => r.promptTokens === 512)?.speedup ?? null,
    /** Share of time outside session.run at batch 1, 8 and 32, per model (greedy, 32-token prompts). */
    outside_run_share: Object.fromEntries(
      [...new Set(scale.map((r) => r.model))].map((m) => [m, Object.fromEntries(scale.filter((r) => r.model === m && [1, 8, 32].includes(r.batch)).map((r) => [r.batch, r.outsideRun]))]),
    ),
  };
  const markdown = [
    `# Engine benchmark`,
    '',
    `Machine: ${JSON.stringify(meta['machine'])}; versions ${JSON.stringify(meta['versions'])}; commit ${String(meta['commit'])}.`,
    `Same session options: \`${JSON.stringify(meta['sessionOptions'])}\`. Own defaults: ${JSON.stringify(meta['ownDefaults'])}.`,
    '',
    '## Headline',
    '',
    '| field | value |',
    '|---|---:|',
    ...Object.entries(headline)
      .filter(([, v]) => typeof v !== 'object' || v === null)
      .map(([k, v]) => `| ${k} | ${x(v as number | null)} |`),
    '',
    '## (a) Single stream, 64 new tokens (ratio = transformers.js time ÷ Parley time, median of interleaved pairs)',
    '',
    '| model | prompt tokens | decoding | session options | Parley tok/s | transformers.js tok/s | ratio | pair range | raw loop tok/s | Parley ÷ raw loop speed | outside session.run: Parley | transformers.js |',
    '|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
    ...single.map(
      (r) =>
        `| ${r.model} | ${r.promptTokens} | ${r.mode} | ${r.options} | ${r.parleyTokPerS.toFixed(1)} | ${r.peerTokPerS.toFixed(1)} | ${x(r.ratio)} | ${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)} | ${r.floorTokPerS?.toFixed(1) ?? '—'} | ${r.floorRatio === null ? '—' : x(1 / r.floorRatio)} | ${pct(r.parleyOutsideRun)} | ${pct(r.peerOutsideRun)} |`,
    ),
    '',
    '## (b) Concurrent requests, staggered arrival, mixed prompt lengths (32/512/128/64) and settings, same session options',
    '',
    '| model | requests | arrival gap | contender | aggregate tok/s | p50 latency | p99 latency | ratio vs transformers.js one at a time | range | mean rows per run |',
    '|---|---:|---:|---|---:|---:|---:|---:|---:|---:|',
    ...conc.map(
      (r) =>
        `| ${r.model} | ${r.requests} | ${r.arrivalGapMs} ms | ${r.contender} | ${r.tokPerS.toFixed(1)} | ${r.p50Ms.toFixed(0)} ms | ${r.p99Ms.toFixed(0)} ms | ${x(r.ratio)} | ${r.ratioRange[0].toFixed(2)}–${r.ratioRange[1].toFixed(2)} | ${r.meanBatch?.toFixed(1) ?? '—'} |`,
    ),
    '',
    '## (b) The most batching can gain here: prefill costs the same batched or not, only steps get cheaper',
    '',
    '| model | requests | prefill alone (prompt tokens → ms) | step, one row | step, all rows | prefills + steps one at a time | prefills + steps as one batch | bound over Parley one at a time | ceiling over transformers.js one at a time (measured) |',
    '|---|---:|---|---:|---:|---:|---:|---:|---:|',
    ...bounds.map(
      (r) =>
        `| ${r.model} | ${r.requests} | ${Object.entries(r.prefillMs).map(([n, ms]) => `${n} → ${ms.toFixed(0)}`).join(', ')} | ${r.stepOneMs.toFixed(2)} ms | ${r.stepBatchMs.toFixed(2)} ms | ${r.oneAtATimeMs.toFixed(0)} ms | ${r.batchedMs.toFixed(0)} ms | ${x(r.bound)} | ${x(ceiling(r))} |`,
    ),
    '',
    '## (c) Prefill of a decoder-only prompt: logits for every position (as exported) vs the last one (trimmed at load)',
    '',
    '| model | prompt tokens | as exported | trimmed | speed-up |',
    '|---|---:|---:|---:|---:|',
    ...prefill.map((r) => `| ${r.model} | ${r.promptTokens} | ${r.asExportedMs.toFixed(0)} ms | ${r.trimmedMs.toFixed(0)} ms | ${x(r.speedup)} |`),
    '',
    '## (c) Scaling: Parley, requests submitted together (32-token prompts, greedy)',
    '',
    '| model | batch | tok/s | outside session.run |',
    '|---|---:|---:|---:|',
    ...scale.map((r) => `| ${r.model} | ${r.batch} | ${r.tokPerS.toFixed(1)} | ${pct(r.outsideRun)} |`),
    '',
  ].join('\n');
  return { json: { ...meta, ...headline, singleStream: single, concurrent: conc, bounds, prefill, scaling: scale }, markdown };
}
