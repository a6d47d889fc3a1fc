import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readManifest } from './manifest.js';
import { servesOf } from './model-tasks.js';
import { entryFolder, readRegistry, tasksOf } from './registry-file.js';
import type { ModelRegistryJson } from './registry-schema.js';
import type { ModelsSettings } from './settings.js';
import type { Serves } from './tasks.js';

export interface InstalledModel {
  name: string;
  folder: string;
  bytes: number;
  repo?: string;
  dtype?: string;
  serves: Serves;
  /** Tasks the registry points at this model. */
  usedFor: string[];
  /** A download of it stopped part-way (a `.part` file is there). */
  incomplete: boolean;
}

/**
 * The models in MODELS_DIR (folders with a config.json) and any other folder the registry names,
 * with their size on disk and what they serve.
 */
export async function listInstalled(settings: ModelsSettings): Promise<InstalledModel[]> {
  const registry: ModelRegistryJson = await readRegistry(settings.registryFile);
  const folders = new Map<string, string>();
  if (existsSync(settings.modelsDir)) {
    for (const entry of await readdir(settings.modelsDir, { withFileTypes: true })) {
      const folder = join(settings.modelsDir, entry.name);
      // Dot folders are an import's unpacking and staging, never a model.
      if (entry.isDirectory() && !entry.name.startsWith('.') && existsSync(join(folder, 'config.json'))) folders.set(entry.name, folder);
    }
  }
  for (const [name, model] of Object.entries(registry.models)) {
    const folder = entryFolder(settings.registryFile, model.path);
    if (![...folders.values()].includes(folder) && existsSync(folder)) folders.set(name, folder);
  }
  const models: InstalledModel[] = [];
  for (const [dirName, folder] of folders) {
    const name = Object.entries(registry.models).find(([, m]) => entryFolder(settings.registryFile, m.path) === folder)?.[0] ?? dirName;
    const manifest = await readManifest(folder);
    const { bytes, incomplete } = await folderSize(folder);
    const dtype = manifest?.dtype ?? registry.models[name]?.dtype;
    models.push({
      name,
      folder,
      bytes,
      ...(manifest && { repo: manifest.repo }),
      ...(dtype && { dtype }),
      serves: await servesOf(folder, manifest?.repo, name),
      usedFor: tasksOf(registry, name),
      incomplete,
    });
  }
  return models.sort((a, b) => a.name.localeCompare(b.name));
}

async function folderSize(folder: string): Promise<{ bytes: number; incomplete: boolean }> {
  let bytes = 0;
  let incomplete = false;
  for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    if (entry.name.endsWith('.part')) incomplete = true;
    bytes += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return { bytes, incomplete };
}
