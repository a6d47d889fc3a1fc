import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { ModelsError } from './errors.js';
import type { Dtype } from './export-files.js';
import { modelRegistrySchema, type ModelRegistryJson } from './registry-schema.js';
import type { Serves, Task } from './tasks.js';

/** One task pointed at a model by `pull`; `previous` is the model it pointed at before. */
export interface TaskChange {
  task: string;
  model: string;
  previous?: string;
}

export async function readRegistry(file: string): Promise<ModelRegistryJson> {
  if (!existsSync(file)) return { models: {}, tasks: {} };
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new ModelsError('BAD_FILE', `${file} is not valid JSON (${(err as Error).message}); fix or remove it.`);
  }
  const parsed = modelRegistrySchema.safeParse(raw);
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
export function assignModel(registry: ModelRegistryJson, registryFile: string, name: string, folder: string, dtype: Dtype, serves: Serves): TaskChange[] {
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

/**
 * What `pull` and `import` end with: adds model `name` to the registry file and points its tasks at
 * it (`assignModel`), unless it serves nothing, when the file is left as it is.
 */
export async function registerModel(
  registryFile: string,
  registry: ModelRegistryJson,
  name: string,
  folder: string,
  dtype: Dtype,
  serves: Serves,
): Promise<{ registered: boolean; changes: TaskChange[] }> {
  const registered = serves.primary.length + serves.fallback.length > 0;
  if (!registered) return { registered, changes: [] };
  const changes = assignModel(registry, registryFile, name, folder, dtype, serves);
  await writeRegistry(registryFile, registry);
  return { registered, changes };
}

/** The tasks a registry points at `name`, as `list` shows them. */
export function tasksOf(registry: ModelRegistryJson, name: string): string[] {
  const { translate, ...rest } = registry.tasks;
  const tasks = Object.entries(rest)
    .filter(([, model]) => model === name)
    .map(([task]) => task);
  for (const [pair, model] of Object.entries(translate ?? {})) if (model === name) tasks.push(`translate ${pair}`);
  return tasks;
}

export async function writeRegistry(file: string, registry: ModelRegistryJson): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(registry, null, 2)}\n`);
  await rename(tmp, file);
}
