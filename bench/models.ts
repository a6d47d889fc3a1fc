/**
 * npm run bench:models — for each task's recommended model: a random-weight model at the real
 * model's dimensions in the exact Hugging Face ONNX layout (@parley/tiny-models, cached under
 * .cache/bench-models, never committed), then on this CPU, each engine in a fresh child process:
 * the download size (the export's files, all of which the worker loads), resident memory (process
 * RSS over a bare process, after loading and after the measured runs), and seconds for the task's
 * unit of work on 50 chat messages, planned as the worker plans it (models-plan.ts). Parley's
 * engine runs it as the worker does; @huggingface/transformers runs the same prompts on the same
 * folder, and the ratio is its time ÷ Parley's on the same work (as bench/engine.ts reports it).
 *
 * Writes bench/results/models.{md,json} and packages/models/data/measured.json, which
 * `npm run models -- recommend` reads. BENCH_MODELS=summarize,ask measures some tasks only and keeps
 * the earlier rows of the others (BENCH_MODELS=none writes the earlier figures again); BENCH_ROUNDS=1 times
 * one round per engine.
 */
import { parseMeasured, type Measured } from '@parley/models';
import { execFileSync, execSync, spawn } from 'node:child_process';
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import type { ChildRequest, MemoryResult, TimingResult } from './models-child.js';
import { CHARS_PER_TOKEN, exportInfo, fiftyMessages, PEER_MODE, planFor, sameWorkMode, SUBJECTS, WORKER_MODE, type ModelSubject, type Plan } from './models-plan.js';
import { modelsMarkdown, type Meta, type ModelRow } from './models-report.js';
import { median } from './stats.js';
import { ROOT } from './subjects.js';

const CACHE = `${ROOT}.cache/bench-models`;
const CHOSEN = process.env['BENCH_MODELS']?.split(',');
/** A child that runs longer than this is stopped and reported as timed out. */
const CHILD_TIMEOUT_S = Number(process.env['BENCH_CHILD_TIMEOUT_S'] ?? 420);
/** Timed rounds per engine instead of each model's own (a quick check: BENCH_ROUNDS=1). */
const ROUNDS = process.env['BENCH_ROUNDS'] ? Number(process.env['BENCH_ROUNDS']) : undefined;

const UNITS: Record<ModelSubject['task'], string> = {
  summarize: '50-message summary',
  entities: '50 messages',
  translate: '50 messages',
  ask: 'question over 50 messages',
};

async function files(dir: string): Promise<{ path: string; bytes: number }[]> {
  const out = [];
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(entry.parentPath, entry.name);
    out.push({ path: relative(dir, path), bytes: (await stat(path)).size });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function runChild<R>(request: ChildRequest): Promise<R> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [new URL('./models-child.js', import.meta.url).pathname], { stdio: ['pipe', 'pipe', 'inherit'] });
    let out = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${CHILD_TIMEOUT_S} s`));
    }, CHILD_TIMEOUT_S * 1000);
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').at(-1);
      if (code === 0 && line) resolve(JSON.parse(line) as R);
      else reject(new Error(`child exited with ${signal ?? code}`));
    });
    child.stdin.end(JSON.stringify(request));
  });
}

/** Memory: each engine alone in a fresh process. Time: both in one process, rounds interleaved. */
async function measure(s: ModelSubject, dir: string, plan: Plan): Promise<ModelRow> {
  const request = { dir, family: s.family, plan, rounds: ROUNDS ?? s.rounds };
  const attempt = async <R>(what: string, r: ChildRequest): Promise<R | { error: string }> => {
    try {
      return await runChild<R>(r);
    } catch (err) {
      console.log(`  ${what} failed: ${(err as Error).message}`);
      return { error: (err as Error).message };
    }
  };
  const parleyMemory = await attempt<MemoryResult>('Parley memory', { ...request, kind: 'memory', engine: 'parley' });
  const peerMemory = await attempt<MemoryResult>('transformers.js memory', { ...request, kind: 'memory', engine: 'peer' });
  const timing = await attempt<TimingResult>('timing', { ...request, kind: 'timing' });
  return { subject: s, plan, files: await files(dir), parleyMemory, peerMemory, timing };
}

const round = (v: number, digits: number) => Number(v.toFixed(digits));

/** HEAD, and whether the code this run measures (the bench, the engine, the models, the prompts) differs from it. */
function commitOf(): string {
  const head = execSync('git rev-parse --short HEAD', { cwd: ROOT }).toString().trim();
  const paths = ['bench', 'packages/engine', 'packages/tiny-models', 'packages/prompts'];
  // bench/results is what this run writes.
  const dirty = execFileSync('git', ['status', '--porcelain', '--', ...paths, ':(exclude)bench/results'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
  return dirty ? `${head} with uncommitted changes in ${paths.join(', ')}` : head;
}

/** The compact figures `npm run models -- recommend` prints, checked against its own schema before they are written. */
function measured(meta: Meta, rows: ModelRow[], omitted: Measured['omitted']): Measured {
  const tasks = rows.flatMap((row) => {
    const { subject: s, plan, parleyMemory: memory, timing } = row;
    if ('error' in memory || 'error' in timing) return [];
    const worker = timing.modes.find((m) => m.engine === 'parley' && m.mode === WORKER_MODE)!;
    const peerRun = timing.modes.find((m) => m.engine === 'peer' && m.mode === PEER_MODE);
    const seconds = round(median(worker.seconds), 3);
    const peerFigures = peerRun ? { seconds: round(median(peerRun.seconds), 3), ratio: round(median(timing.ratios), 3), comparedWith: `Parley ${sameWorkMode(s.task)}` } : null;
    const peerError = timing.peerError ?? ('error' in row.peerMemory ? row.peerMemory.error : undefined);
    return [
      {
        task: s.task,
        model: s.model,
        repo: s.repo,
        dtype: 'fp32' as const,
        downloadBytes: row.files.reduce((n, f) => n + f.bytes, 0),
        resident: {
          afterLoadBytes: memory.rss.afterLoad - memory.rss.baseline,
          afterRunBytes: memory.rss.afterRun - memory.rss.baseline,
          peakBytes: memory.rss.peak - memory.rss.baseline,
        },
        unit: UNITS[s.task],
        unitDetail: plan.unit,
        seconds,
        peer: peerFigures,
        ...(peerError && { peerNote: `transformers.js could not run it: ${peerError}` }),
        window: plan.window,
      },
    ];
  });
  return parseMeasured({
    version: 1,
    label: 'random weights at the real dimensions',
    measuredWith: 'npm run bench:models',
    date: meta.date,
    machine: meta.machine,
    onnxruntimeNode: meta.versions['onnxruntime-node'],
    peer: `@huggingface/transformers ${meta.versions['@huggingface/transformers']}`,
    charsPerToken: CHARS_PER_TOKEN,
    tasks,
    omitted,
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  const pkg = async (name: string) => (JSON.parse(await readFile(`${ROOT}node_modules/${name}/package.json`, 'utf8')) as { version: string }).version;
  const meta: Meta = {
    date: new Date().toISOString().slice(0, 10),
    commit: commitOf(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: availableParallelism(), memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
    versions: { 'onnxruntime-node': await pkg('onnxruntime-node'), '@huggingface/transformers': await pkg('@huggingface/transformers') },
  };
  console.log(`machine: ${meta.machine.cpu} × ${meta.machine.cores}, ${meta.machine.memoryGiB} GiB, node ${meta.machine.node}; onnxruntime-node ${meta.versions['onnxruntime-node']}`);
  const messages = await fiftyMessages(ROOT);
  const earlierRun = CHOSEN ? await readEarlier() : null;
  const earlier = earlierRun?.rows ?? [];
  const rows: ModelRow[] = [];
  const omitted: Measured['omitted'] = [];
  for (const s of SUBJECTS) {
    if (CHOSEN && !CHOSEN.includes(s.task)) {
      const kept = earlier.find((r) => r.subject.task === s.task);
      if (kept) rows.push({ ...kept, subject: s });
      continue;
    }
    console.log(`\n${s.task}: ${s.model} (${s.repo}) at its real dimensions ${JSON.stringify(s.dimensions)}`);
    let dir: string;
    try {
      const t0 = performance.now();
      dir = await s.build(CACHE);
      console.log(`  random-weight export in ${relative(ROOT, dir)} (${((performance.now() - t0) / 1000).toFixed(0)} s to build or find)`);
    } catch (err) {
      omitted.push({ task: s.task, model: s.model, reason: `the random-weight model could not be built here: ${(err as Error).message}` });
      continue;
    }
    const plan = await planFor(s, exportInfo(dir), messages);
    console.log(`  unit: ${plan.unit}`);
    rows.push(await measure(s, dir, plan));
  }
  // Nothing measured (BENCH_MODELS=none): the earlier run's figures written again, under its own date and commit.
  const measuredNow = SUBJECTS.some((s) => !CHOSEN || CHOSEN.includes(s.task));
  if (!measuredNow && earlierRun) Object.assign(meta, earlierRun.meta);
  else if (earlierRun && rows.some((r) => CHOSEN && !CHOSEN.includes(r.subject.task))) meta.mergedWith = earlierRun.meta.commit;
  const data = measured(meta, rows, omitted);
  const markdown = modelsMarkdown(meta, rows, data);
  console.log(`\n${markdown}`);
  await mkdir(`${ROOT}bench/results`, { recursive: true });
  await mkdir(`${ROOT}packages/models/data`, { recursive: true });
  await writeFile(`${ROOT}bench/results/models.md`, markdown);
  const raw = rows.map(({ subject, ...rest }) => ({ task: subject.task, model: subject.model, repo: subject.repo, dimensions: subject.dimensions, rounds: subject.rounds, ...rest }));
  await writeFile(`${ROOT}bench/results/models.json`, `${JSON.stringify({ ...meta, charsPerToken: CHARS_PER_TOKEN, rows: raw }, null, 2)}\n`);
  await writeFile(`${ROOT}packages/models/data/measured.json`, `${JSON.stringify(data, null, 2)}\n`);
  // What `recommend` prints of it, through its own schema: a file it cannot read fails the bench here.
  console.log(execFileSync(process.execPath, [`${ROOT}packages/models/dist/cli.js`, 'recommend'], { cwd: ROOT, encoding: 'utf8' }));
  console.log(`bench:models took ${((performance.now() - started) / 60000).toFixed(1)} min`);
}

/** An earlier run's figures, for the tasks this run leaves alone. */
async function readEarlier(): Promise<{ meta: Meta; rows: (Omit<ModelRow, 'subject'> & { subject: { task: string } })[] } | null> {
  try {
    const json = JSON.parse(await readFile(`${ROOT}bench/results/models.json`, 'utf8')) as Meta & { rows: (Omit<ModelRow, 'subject'> & { task: string })[] };
    const { rows, date, commit, machine, versions } = json;
    return { meta: { date, commit, machine, versions }, rows: rows.map((r) => ({ ...r, subject: { task: r.task } })) };
  } catch {
    return null;
  }
}

await main();
