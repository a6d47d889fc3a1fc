import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { z } from 'zod';
import { ModelsError } from './errors.js';
import type { Dtype } from './export-files.js';
import type { Serves, Task } from './tasks.js';

// The MODEL_REGISTRY format apps/worker/src/model-registry.ts reads. Loose objects keep what a
// person added by hand (e.g. a model's `defaults`) through an update.
const modelSchema = z.looseObject({ path: z.string().min(1), dtype: z.enum(['fp32', 'fp16', 'q8']).optional() });
const registrySchema = z.looseObject({
  models: z.record(z.string(), modelSchema),
  tasks: z.looseObject({
    summarize: z.string().optional(),
    ask: z.string().optional(),
    entities: z.string().optional(),
    translate: z.record(z.string(), z.string()).optional(),
  }),
});
export type RegistryJson = z.infer<typeof registrySchema>;

/** One task pointed at a model by `pull`; `previous` is the model it pointed at before. */
export interface TaskChange {
  task: string;
  model: string;
  previous?: string;
}

export async function readRegistry(file: string): Promise<RegistryJson> {
  if (!existsSync(file)) return { models: {}, tasks: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ModelsError('BAD_FILE', `${file} is not valid JSON (${(err as Error).message}); fix or remove it.`);
  }
  const parsed = registrySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ModelsError('BAD_FILE', `${file} is not a model registry: ${issue.path.join('.') || 'top level'} ${issue.message}.`);
  }
  return parsed.data;
}

/** The folder of a registry entry, resolved as the worker does (relative to the registry file). */
export function entryFolder(registryFile: string, path: string): string {
  return isAbsolute(path) ? path : resolve(dirname(registryFile), path);
}

/**
 * Adds (or updates) model `name` in folder `folder`, and points its tasks at it: primary tasks
 * always, fallback tasks only when nothing serves them yet.
 */
export function assignModel(registry: RegistryJson, registryFile: string, name: string, folder: string, dtype: Dtype, serves: Serves): TaskChange[] {
  const path = relative(dirname(registryFile), folder) || '.';
  registry.models[name] = { ...registry.models[name], path, dtype };
  const changes: TaskChange[] = [];
  const point = (task: Task, primary: boolean) => {
    if (task === 'translate') {
      const pair = serves.translatePair ?? '*';
      const table = (registry.tasks.translate ??= {});
      const previous = table[pair];
      if (previous === name || (!primary && previous !== undefined)) return;
      table[pair] = name;
      changes.push({ task: `translate ${pair}`, model: name, ...(previous !== undefined && { previous }) });
      return;
    }
    const previous = registry.tasks[task];
    if (previous === name || (!primary && previous !== undefined)) return;
    registry.tasks[task] = name;
    changes.push({ task, model: name, ...(previous !== undefined && { previous }) });
  };
  for (const task of serves.primary) point(task, true);
  for (const task of serves.fallback) point(task, false);
  return changes;
}

/** The tasks a registry points at `name`, as `list` shows them. */
export function tasksOf(registry: RegistryJson, name: string): string[] {
  const { translate, ...rest } = registry.tasks;
  const tasks = Object.entries(rest)
    .filter(([, model]) => model === name)
    .map(([task]) => task);
  for (const [pair, model] of Object.entries(translate ?? {})) if (model === name) tasks.push(`translate ${pair}`);
  return tasks;
}

export async function writeRegistry(file: string, registry: RegistryJson): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(registry, null, 2)}\n`);
  await rename(tmp, file);
}
