import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { TASKS } from '@parley/jobs';
import { z } from 'zod';
import { ModelsError } from './errors.js';
import { DTYPES } from './export-files.js';
import { formatBytes, table } from './format.js';
import type { InstalledModel } from './installed.js';

/** Where `npm run bench:models` writes its figures, beside this package's dist/ and src/. */
export const MEASURED_FILE = fileURLToPath(new URL('../data/measured.json', import.meta.url));

const bytes = z.number().int().nonnegative();

/** One task's recommended model, as `npm run bench:models` measured it. */
export const measuredTaskSchema = z.object({
  task: z.enum(TASKS),
  /** The catalog name (`npm run models -- pull <model>`). */
  model: z.string().min(1),
  repo: z.string().min(1),
  dtype: z.enum(DTYPES),
  /** Bytes of the export's files the worker loads. */
  downloadBytes: bytes,
  /** Process RSS over a bare process: after loading, after the measured runs, and at its peak. */
  resident: z.object({ afterLoadBytes: bytes, afterRunBytes: bytes, peakBytes: bytes }),
  /** The unit of work, short ("50-message summary"), and what exactly ran. */
  unit: z.string().min(1),
  unitDetail: z.string(),
  /** Seconds per unit on this CPU with Parley's engine, as the worker runs it (median of the rounds). */
  seconds: z.number().positive(),
  /** @huggingface/transformers on the same folder and work: its seconds, and its time ÷ Parley's (> 1: Parley is faster). */
  peer: z.object({ seconds: z.number().positive(), ratio: z.number().positive(), comparedWith: z.string() }).nullable(),
  peerNote: z.string().optional(),
  /** The window as the worker budgets it; how many messages like the sample's it holds (null: one message per call). */
  window: z.object({ tokens: z.number().int().positive(), messages: z.number().int().nonnegative().nullable(), note: z.string() }),
});

export const measuredSchema = z.object({
  version: z.literal(1),
  /** "random weights at the real dimensions": the weights are random, the sizes and shapes are the real model's. */
  label: z.string().min(1),
  /** The command that wrote the file. */
  measuredWith: z.string().min(1),
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'date must be YYYY-MM-DD' }),
  machine: z.object({ cpu: z.string(), cores: z.number().int().positive(), memoryGiB: z.number().positive(), node: z.string() }),
  onnxruntimeNode: z.string().min(1),
  /** The engine compared against, with its version. */
  peer: z.string().min(1),
  /** Characters per real-tokenizer token assumed for every token count (the random tokenizers are not the real ones). */
  charsPerToken: z.number().positive(),
  tasks: z.array(measuredTaskSchema).min(1),
  /** Recommended models left out of the run, with why. */
  omitted: z.array(z.object({ task: z.enum(TASKS), model: z.string().min(1), reason: z.string().min(1) })).default([]),
});

export type Measured = z.infer<typeof measuredSchema>;
export type MeasuredTask = z.infer<typeof measuredTaskSchema>;

/** Validates measured figures (from JSON); a malformed file fails with one line naming the file, the field and the problem. */
export function parseMeasured(data: unknown, source = MEASURED_FILE): Measured {
  const parsed = measuredSchema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const at = issue.path.length > 0 ? issue.path.join('.') : 'the top level';
    throw new ModelsError('BAD_FILE', `${source} is malformed at ${at}: ${issue.message}. Run npm run bench:models to write it again.`);
  }
  return parsed.data;
}

/** Reads and validates the measured figures. */
export async function readMeasured(path = MEASURED_FILE): Promise<Measured> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ModelsError('BAD_FILE', `${path} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}). Run npm run bench:models to write it.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new ModelsError('BAD_FILE', `${path} is not valid JSON (${(err as Error).message}). Run npm run bench:models to write it again.`);
  }
  return parseMeasured(data, path);
}

function isInstalled(t: MeasuredTask, installed: readonly InstalledModel[]): boolean {
  return installed.some((m) => !m.incomplete && (m.name === t.model || m.repo?.toLowerCase() === t.repo.toLowerCase()));
}

function windowText(w: MeasuredTask['window']): string {
  if (w.messages === null) return `${w.tokens} tokens, one message at a time`;
  return `${w.tokens} tokens ≈ ${w.messages} messages`;
}

/**
 * `npm run models -- recommend`: a heading that says how the figures were measured, then one line
 * per task: the recommended catalog name, download size, resident memory, seconds per unit of work
 * on the measuring machine's cores, the window in messages where it matters, and whether it is installed.
 */
export function recommendText(measured: Measured, installed: readonly InstalledModel[]): string {
  const m = measured;
  const rows = [['TASK', 'MODEL', 'DOWNLOAD', 'MEMORY', `SECONDS (${m.machine.cores}-CORE CPU)`, 'WINDOW', 'INSTALLED']];
  for (const t of m.tasks) {
    rows.push([
      t.task,
      t.model,
      formatBytes(t.downloadBytes),
      formatBytes(t.resident.afterRunBytes),
      `${t.seconds.toFixed(1)} s per ${t.unit}`,
      windowText(t.window),
      isInstalled(t, installed) ? 'installed' : `no (npm run models -- pull ${t.model})`,
    ]);
  }
  const dtypes = [...new Set(m.tasks.map((t) => t.dtype))].join('/');
  const heading =
    `Recommended models, measured with ${m.measuredWith} on ${m.label} ` +
    `(${dtypes}; ${m.machine.cores}-core ${m.machine.cpu}, ${m.date}, onnxruntime-node ${m.onnxruntimeNode}; ` +
    `windows estimated at ${m.charsPerToken} characters a token):`;
  const omitted = m.omitted.map((o) => `${o.task}: ${o.model} not measured (${o.reason})`);
  return [heading, table(rows), ...omitted, ''].join('\n');
}
