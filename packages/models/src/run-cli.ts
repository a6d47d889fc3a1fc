import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CATALOG, CATALOG_NAMES } from './catalog.js';
import { ModelsError } from './errors.js';
import { DTYPES } from './export-files.js';
import { formatBytes, table } from './format.js';
import { importExport, type ImportResult } from './import-export.js';
import { listInstalled } from './installed.js';
import { createProgress, type ProgressStream } from './progress.js';
import { pull, type PullOptions, type PullResult } from './pull.js';
import { readMeasured, recommendText } from './recommend.js';
import { settingsFromEnv } from './settings.js';
import { describeServes } from './tasks.js';

export interface CliIo {
  stdout: ProgressStream;
  stderr: ProgressStream;
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** Retry pacing, shortened by tests. */
  pullOptions?: PullOptions;
}

const USAGE = `Usage: npm run models -- <command>

  pull <name|owner/repo> [--dtype fp32|fp16|q8] [--revision main]
      Download a Hugging Face ONNX export (only the files Parley needs) into MODELS_DIR and
      point the worker's model registry at it.
  import <folder|file.tar> [--name <short name>] [--dtype fp32|fp16|q8]
      Without hub access: check an export copied in by hand (a folder, or a .tar / .tar.gz of
      one), copy it into MODELS_DIR and point the worker's model registry at it, as pull does.
  list
      The installed models: size, what they serve, what the registry uses them for.
  recommend
      One line per task: the recommended model, its download, memory and seconds per unit of work
      (measured with npm run bench:models on random weights at the real dimensions), and if installed.

Names: ${CATALOG_NAMES.join(', ')}
Environment: MODELS_DIR (default ./models), MODEL_REGISTRY (default MODELS_DIR/registry.json),
  HF_ENDPOINT (default https://huggingface.co), HF_TOKEN (for private or gated repos).
`;

const pullFlags = z.object({
  dtype: z.enum(DTYPES, { error: `--dtype must be one of ${DTYPES.join(', ')}` }).default('fp32'),
  revision: z.string().min(1, { error: '--revision must not be empty' }).default('main'),
});

/** Runs one `models` command; returns the exit code. Failures print one line, never a stack. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (err) {
    const message = err instanceof ModelsError ? err.message : `unexpected error: ${err instanceof Error ? err.message : String(err)}`;
    io.stderr.write(`models: ${message}\n`);
    return 1;
  }
}

async function dispatch(argv: string[], io: CliIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { dtype: { type: 'string' }, revision: { type: 'string' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    });
  } catch (err) {
    throw new ModelsError('BAD_ARGUMENTS', `${(err as Error).message}\n\n${USAGE}`);
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || command === undefined || command === 'help') {
    io.stdout.write(USAGE);
    return command === undefined && !parsed.values.help ? 1 : 0;
  }
  const settings = settingsFromEnv(io.env, io.cwd);
  if (command === 'list') {
    if (rest.length > 0) throw new ModelsError('BAD_ARGUMENTS', `list takes no arguments.\n\n${USAGE}`);
    io.stdout.write(await listText(settings));
    return 0;
  }
  if (command === 'pull') {
    if (rest.length !== 1) throw new ModelsError('BAD_ARGUMENTS', `pull takes one model name or repo.\n\n${USAGE}`);
    const flags = pullFlags.safeParse({ dtype: parsed.values.dtype, revision: parsed.values.revision });
    if (!flags.success) throw new ModelsError('BAD_ARGUMENTS', flags.error.issues[0]!.message);
    const result = await pull(settings, { model: rest[0]!, ...flags.data }, createProgress(io.stderr), io.pullOptions);
    io.stdout.write(pullSummary(result));
    return 0;
  }
  if (command === 'import') {
    if (rest.length !== 1) throw new ModelsError('BAD_ARGUMENTS', `import takes one folder or .tar file.\n\n${USAGE}`);
    const dtype = pullFlags.shape.dtype.unwrap().optional().safeParse(parsed.values.dtype);
    if (!dtype.success) throw new ModelsError('BAD_ARGUMENTS', dtype.error.issues[0]!.message);
    // npm runs scripts from the repo root; a path the user typed is relative to where they typed it.
    const cwd = io.env['INIT_CWD'] || io.cwd;
    const result = await importExport(settings, { source: rest[0]!, cwd, name: parsed.values.name, dtype: dtype.data });
    io.stdout.write(importSummary(result));
    return 0;
  }
  if (command === 'recommend') {
    if (rest.length > 0) throw new ModelsError('BAD_ARGUMENTS', `recommend takes no arguments.\n\n${USAGE}`);
    io.stdout.write(recommendText(await readMeasured(), await listInstalled(settings)));
    return 0;
  }
  throw new ModelsError('BAD_ARGUMENTS', `Unknown command "${command}".\n\n${USAGE}`);
}

function importSummary(r: ImportResult): string {
  const where = r.copied ? `copied to ${r.folder}${r.replaced ? ' (replacing the folder there)' : ''}` : `already in ${r.folder}`;
  const lines = [`${r.name}: ${r.files.length} files, ${formatBytes(r.totalBytes)} ${where}`, `  from ${r.source}, ${r.dtype}; serves ${describeServes(r.serves)}`];
  return `${[...lines, ...registryLines(r)].join('\n')}\n`;
}

function pullSummary(r: PullResult): string {
  const fetched = r.fetchedBytes === 0 ? 'already up to date' : `fetched ${formatBytes(r.fetchedBytes)}`;
  const lines = [`${r.name}: ${r.files.length} files, ${formatBytes(r.totalBytes)} (${fetched}) in ${r.folder}`, `  from ${r.repo}, ${r.dtype}; serves ${describeServes(r.serves)}`];
  return `${[...lines, ...registryLines(r)].join('\n')}\n`;
}

/** What a pull or an import did to the registry, and how the worker is pointed at it. */
function registryLines(r: Pick<PullResult, 'registered' | 'registryFile' | 'changes'>): string[] {
  const lines: string[] = [];
  if (!r.registered) {
    lines.push(`  not added to ${r.registryFile}: its config.json does not say what Parley could use it for.`);
  } else {
    const changes = r.changes.map((c) => `${c.task} → ${c.model}${c.previous ? ` (was ${c.previous})` : ''}`);
    lines.push(`  registry ${r.registryFile}: ${changes.length > 0 ? changes.join(', ') : 'no task changed'}`);
    lines.push(`  the worker uses it with MODEL_REGISTRY=${r.registryFile}`);
  }
  return lines;
}

async function listText(settings: ReturnType<typeof settingsFromEnv>): Promise<string> {
  const models = await listInstalled(settings);
  if (models.length === 0) {
    return `No models in ${settings.modelsDir}. Try: npm run models -- pull ${CATALOG_NAMES[0]}\n`;
  }
  const rows = [['NAME', 'SIZE', 'DTYPE', 'SERVES', 'USED FOR', 'SOURCE']];
  for (const m of models) {
    rows.push([
      m.name,
      formatBytes(m.bytes) + (m.incomplete ? ' (incomplete)' : ''),
      m.dtype ?? '?',
      describeServes(m.serves),
      m.usedFor.join(', ') || '-',
      m.repo ?? (Object.hasOwn(CATALOG, m.name) ? '' : 'local folder'),
    ]);
  }
  return `Models in ${settings.modelsDir} (registry ${settings.registryFile}):\n${table(rows)}\n`;
}
