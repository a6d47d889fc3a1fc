import type { Measured } from '@parley/models';
import type { MemoryResult, TimingResult } from './models-child.js';
import { CHARS_PER_TOKEN, MAX_NEW_TOKENS, sameWorkMode, TRANSLATION_LENGTH_RATIO, WORKER_MODE, type ModelSubject, type Plan } from './models-plan.js';
import { median } from './stats.js';

/** When and where the run was made, and with which versions. */
export interface Meta {
  date: string;
  commit: string;
  machine: { cpu: string; cores: number; memoryGiB: number; node: string };
  versions: Record<'onnxruntime-node' | '@huggingface/transformers', string>;
  /** The commit of an earlier run whose rows this one kept. */
  mergedWith?: string;
}

/** One model's measurement: what ran, its files, and each engine's child result (or why it has none). */
export interface ModelRow {
  subject: ModelSubject;
  plan: Plan;
  files: { path: string; bytes: number }[];
  parleyMemory: MemoryResult | { error: string };
  peerMemory: MemoryResult | { error: string };
  timing: TimingResult | { error: string };
}

/** Sizes in decimal units, as the hub and `npm run models -- list` show them. */
export function mb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(2)} GB` : `${Math.round(bytes / 1e6)} MB`;
}

const s = (v: number) => `${v.toFixed(1)} s`;
const load = (r: { loadAverage: { start: number[]; end: number[] } }) => `${r.loadAverage.start[0]!.toFixed(1)} → ${r.loadAverage.end[0]!.toFixed(1)}`;

function windowCell(w: Plan['window']): string {
  return w.messages === null ? `${w.tokens} tokens, one message at a time` : `${w.tokens} tokens ≈ ${w.messages} messages`;
}

/** The table the README's Models section shows, from the figures `recommend` prints. */
export function readmeTable(data: Measured): string {
  return [
    `| task | model | download | resident memory | seconds per unit on ${data.machine.cores} cores | window |`,
    '|---|---|---:|---:|---:|---|',
    ...data.tasks.map(
      (t) =>
        `| ${t.task} | \`${t.model}\` | ${mb(t.downloadBytes)} | ${mb(t.resident.afterRunBytes)} | ${s(t.seconds)} per ${t.unit} | ${windowCell(t.window)} |`,
    ),
  ].join('\n');
}

export function modelsMarkdown(meta: Meta, rows: ModelRow[], data: Measured): string {
  const lines = [
    '# Models benchmark: the recommended model of each task',
    '',
    `**Random weights at the real dimensions, ${meta.machine.cores}-core CPU** (${meta.machine.cpu}, ${meta.machine.memoryGiB} GiB, Node ${meta.machine.node}), ` +
      `${meta.date}, onnxruntime-node ${meta.versions['onnxruntime-node']}, peer @huggingface/transformers ${meta.versions['@huggingface/transformers']}; ` +
      `commit ${meta.commit}${meta.mergedWith ? ` (some rows kept from commit ${meta.mergedWith})` : ''}. ` +
      'Written by `npm run bench:models` (bench/models.ts); `npm run models -- recommend` prints the same figures from packages/models/data/measured.json.',
    '',
    '- **Models**: each built by @parley/tiny-models with random weights at the real model\'s config.json dimensions (layers, hidden size, heads, feed-forward size, vocabulary, positions), ' +
      'in the exact Hugging Face ONNX export layout, fp32 (what `pull` fetches by default). The weights are random, so the text is noise; sizes and compute are the real model\'s, ' +
      'except as listed under *What differs from the real export*.',
    `- **Tokens**: the random models' tokenizers are small made-up vocabularies that cut English into about 1.7 characters a token. Every budget decision ` +
      `(one pass or map-reduce, chunks, reduce levels, what fits the window) uses an estimate of the real tokenizer's count, **${CHARS_PER_TOKEN} characters a token**, ` +
      'and each prompt is cut to exactly that many tokens of the random tokenizer before it runs, so the model sees as many tokens as with the real tokenizer. The windows in messages are estimates on the same ratio.',
    `- **New tokens**: random weights never produce EOS (the generated graphs suppress it), so every generation makes exactly the tokens it is asked for: ${MAX_NEW_TOKENS} ` +
      `(the bot's default maximum) for each summary run and the answer, and ${TRANSLATION_LENGTH_RATIO}× the message's tokens plus </s> for each translation (an assumed German/English length ratio). ` +
      'A real model may stop earlier at EOS; these are the times of full-length outputs.',
    '- **Unit of work**: planned as the worker plans it (apps/worker/src/tasks/*, mirrored in bench/models-plan.ts with the same @parley/prompts calls) on 50 messages: ' +
      "the playground's 45-message sample thread plus 5 more. Parley runs through @parley/engine's public API with the worker's load options; transformers.js runs the same prompts on the same folder, one call at a time, greedy.",
    '- **Resident memory**: process RSS over a bare process (Node with the engine imported) after loading the model, after one unit of work, and at the peak; each model and engine alone in a fresh child process.',
    '- **Seconds**: both engines loaded in one more child process, their runs interleaved round by round (Parley then transformers.js, then the other way round), each engine warmed up with one short call first; the median of the rounds. ' +
      'Other processes shared the 2 cores during the run (other engineers\' test suites), so single runs vary by up to 2× here; the 1-minute load average at the start and end of each child is listed below.',
    '- **Ratio**: transformers.js seconds ÷ Parley seconds on the same work (same prompts, same decoding, one call at a time), the median of the per-round ratios: above 1, Parley is faster.',
    '- **Counts**: "new" tokens below are what each engine returns: for opus-mt, which forces </s> at the last step, Parley leaves that </s> out and transformers.js counts it, so the same decoder steps read one fewer per message for Parley.',
    '',
    '## Figures',
    '',
    '| task | model | download | resident memory after load / after run / peak | seconds per unit, Parley as the worker does | Parley, same work as the peer | transformers.js | ratio | window |',
    '|---|---|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const t of data.tasks) {
    const row = rows.find((r) => r.subject.task === t.task)!;
    const sameRun = 'error' in row.timing ? undefined : row.timing.modes.find((m) => m.engine === 'parley' && m.mode === sameWorkMode(t.task));
    const same = t.peer && sameRun ? median(sameRun.seconds) : null;
    lines.push(
      `| ${t.task} | \`${t.model}\` (${t.repo}) | ${mb(t.downloadBytes)} | ${mb(t.resident.afterLoadBytes)} / ${mb(t.resident.afterRunBytes)} / ${mb(t.resident.peakBytes)} | ` +
        `**${s(t.seconds)}** per ${t.unit} | ${same === null ? '—' : `${s(same)} (${t.peer!.comparedWith.replace('Parley ', '')})`} | ` +
        `${t.peer ? s(t.peer.seconds) : `— (${t.peerNote ?? 'not run'})`} | ${t.peer ? `${t.peer.ratio.toFixed(2)}×` : '—'} | ${windowCell(t.window)} |`,
    );
  }
  for (const o of data.omitted) lines.push(`| ${o.task} | \`${o.model}\` | — | — | not measured: ${o.reason} | — | — | — | — |`);
  lines.push('', '## For the README', '', readmeTable(data), '', '## Each model', '');
  for (const row of rows) {
    const { subject: sub, plan } = row;
    lines.push(`### ${sub.task}: ${sub.model}`, '');
    lines.push(`- Real dimensions: ${Object.entries(sub.dimensions).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
    lines.push(`- Files (${mb(row.files.reduce((n, f) => n + f.bytes, 0))}): ${row.files.map((f) => `${f.path} ${f.bytes < 1e6 ? `${(f.bytes / 1e3).toFixed(0)} kB` : mb(f.bytes)}`).join(', ')}.`);
    lines.push(`- Unit: ${plan.unit}. Window: ${plan.window.tokens} tokens as the worker budgets it; ${plan.window.note}.`);
    lines.push(
      `- Stages: ${plan.stages
        .map((st) => `${st.label} (${st.calls.length} call${st.calls.length === 1 ? '' : 's'}${st.concurrent ? ', together' : ''}, ~${st.calls.reduce((n, c) => n + c.tokens, 0)} prompt tokens, ${st.calls.reduce((n, c) => n + c.newTokens, 0)} new)`)
        .join('; ')}.`,
    );
    for (const [name, r] of [
      ['Parley', row.parleyMemory],
      ['transformers.js', row.peerMemory],
    ] as const) {
      if ('error' in r) {
        lines.push(`- ${name}, alone: could not run it: ${r.error}.`);
        continue;
      }
      lines.push(
        `- ${name}, alone: loaded in ${s(r.loadSeconds)}; RSS +${mb(r.rss.afterLoad - r.rss.baseline)} after load, +${mb(r.rss.afterRun - r.rss.baseline)} after one unit (${r.run.mode}, ${s(r.run.seconds[0]!)}), ` +
          `peak +${mb(r.rss.peak - r.rss.baseline)} (bare process ${mb(r.rss.baseline)}); load average ${load(r)}.`,
      );
    }
    const t = row.timing;
    if ('error' in t) {
      lines.push(`- Timing: could not run it: ${t.error}.`);
    } else {
      const modes = t.modes
        .map(
          (m) =>
            `${m.engine === 'parley' ? 'Parley' : 'transformers.js'} ${m.mode}: ${m.seconds.map((x) => x.toFixed(1)).join(', ')} s ` +
            `(${m.promptTokens} prompt tokens, ${m.newTokens} new${m.entities !== undefined ? `, ${m.entities} entities` : ''})`,
        )
        .join('; ');
      const ratios = t.ratios.length ? `; per-round ratios ${t.ratios.map((x) => x.toFixed(2)).join(', ')}` : '';
      const worker = t.modes.find((m) => m.engine === 'parley' && m.mode === WORKER_MODE);
      const greedy = t.modes.find((m) => m.engine === 'parley' && m.mode === 'greedy');
      if (worker && greedy) lines.push(`- Beam search: the worker's ${sub.task} runs the num_beams of generation_config.json, ${(median(worker.seconds) / median(greedy.seconds)).toFixed(1)}× the time of greedy decoding here.`);
      lines.push(`- Timing, interleaved: ${modes}${ratios}${t.peerError ? `; transformers.js could not load it: ${t.peerError}` : ''}; load average ${load(t)}.`);
    }
    lines.push('');
  }
  lines.push(
    '## What differs from the real export',
    '',
    '- flan-t5-small: T5\'s relative attention bias (32 buckets × 6 heads per stack) is a learned absolute position table (512 × 512) here, and the norms carry a bias; the gated-GELU feed-forward, head count and width, layer counts and both vocabularies are the real ones.',
    '- opus-mt-en-de: pre-norm blocks without the linear layers\' biases; tied embeddings exported as one table with a Transpose for the LM head (as Optimum deduplicates tied weights), a final_logits_bias, and generation_config.json with num_beams 4 as the hub\'s has it (so the worker runs beam search; transformers.js does not implement beams and runs greedy, hence the greedy comparison).',
    '- bert-base-NER: BERT\'s own blocks (post-norm, learned positions, token types, biases) at its dimensions; nothing material differs.',
    '- Qwen2.5-0.5B-Instruct: rotary positions, grouped-query attention with q/k/v biases, the tied LM head through a Transpose as Optimum exports it, ChatML template; the weights in onnx/model.onnx_data. Building it here takes about 45 s and 2 GB of memory (then it is cached in .cache/bench-models), so it is measured rather than left out. The hub\'s generation_config samples (top-k 20, top-p 0.8); here it is greedy, which costs about the same.',
    '- Every model: the tokenizer files are the random model\'s small ones (a few kB); the real ones add a few MB to the download (flan-t5\'s tokenizer.json is about 2.4 MB, Qwen2.5\'s about 7 MB).',
    '',
  );
  return lines.join('\n');
}
