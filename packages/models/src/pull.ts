import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { downloadFile } from './download-file.js';
import { selectExportFiles, type Dtype } from './export-files.js';
import { hashMismatch } from './file-hash.js';
import { HubClient, type RepoFile } from './hub-client.js';
import { readManifest, recorded, writeManifest } from './manifest.js';
import { resolveModelRef } from './model-ref.js';
import { servesOf } from './model-tasks.js';
import { readRegistry, registerModel, type TaskChange } from './registry-file.js';
import type { ModelsSettings } from './settings.js';
import type { Serves } from './tasks.js';

export interface PullRequest {
  /** Catalog name or `owner/name`. */
  model: string;
  dtype: Dtype;
  revision: string;
}

export interface PlannedFile {
  path: string;
  size: number;
  /** Bytes already here: the whole file when it is present and verified, else what a `.part` holds. */
  have: number;
}

/** What `pull` reports as it goes; the CLI draws it as a bar or as lines. */
export interface PullProgress {
  plan(model: string, files: PlannedFile[]): void;
  fileStart(path: string): void;
  bytes(path: string, bytesOnDisk: number): void;
  fileDone(path: string): void;
  retry(path: string, reason: string, resumeAt: number): void;
  finish(): void;
}

export interface PullResult {
  name: string;
  repo: string;
  folder: string;
  dtype: Dtype;
  files: RepoFile[];
  /** Bytes fetched in this run (resumed and already present files excluded). */
  fetchedBytes: number;
  totalBytes: number;
  serves: Serves;
  registryFile: string;
  /** False when nothing says what the model serves: the worker would load it for no task. */
  registered: boolean;
  changes: TaskChange[];
}

export interface PullOptions {
  attempts?: number;
  retryDelayMs?: number;
}

/**
 * Downloads the files of a Hugging Face ONNX export the engine needs at one precision into
 * `<modelsDir>/<name>`, verified, and points the registry's tasks at it.
 */
export async function pull(settings: ModelsSettings, request: PullRequest, progress: PullProgress, options: PullOptions = {}): Promise<PullResult> {
  const { name, repo } = resolveModelRef(request.model);
  const hub = new HubClient({ endpoint: settings.endpoint, token: settings.token });
  // Read the registry first, so a broken one stops the pull before any download.
  const registry = await readRegistry(settings.registryFile);
  const files = selectExportFiles(repo, await hub.listFiles(repo, request.revision), request.dtype);
  const folder = join(settings.modelsDir, name);
  const manifest = await readManifest(folder);

  const planned: PlannedFile[] = [];
  for (const file of files) planned.push({ path: file.path, size: file.size, have: await bytesHere(folder, file, manifest) });
  progress.plan(name, planned);

  let fetchedBytes = 0;
  try {
    for (const [i, file] of files.entries()) {
      const have = planned[i]!.have;
      progress.fileStart(file.path);
      if (have < file.size || !existsSync(join(folder, file.path))) {
        await downloadFile(
          hub,
          { repo, revision: request.revision, file, dest: join(folder, file.path) },
          {
            attempts: options.attempts ?? 5,
            retryDelayMs: options.retryDelayMs ?? 1000,
            onProgress: (bytes) => progress.bytes(file.path, bytes),
            onRetry: (reason, resumeAt) => progress.retry(file.path, reason, resumeAt),
          },
        );
        fetchedBytes += file.size - have;
      }
      progress.fileDone(file.path);
    }
  } finally {
    progress.finish();
  }

  const merged = new Map((manifest?.files ?? []).map((f) => [f.path, f]));
  for (const f of files) merged.set(f.path, f);
  await writeManifest(folder, { repo, revision: request.revision, dtype: request.dtype, pulledAt: new Date().toISOString(), files: [...merged.values()] });

  const serves = await servesOf(folder, repo, name);
  const { registered, changes } = await registerModel(settings.registryFile, registry, name, folder, request.dtype, serves);
  return {
    name,
    repo,
    folder,
    dtype: request.dtype,
    files,
    fetchedBytes,
    totalBytes: files.reduce((sum, f) => sum + f.size, 0),
    serves,
    registryFile: settings.registryFile,
    registered,
    changes,
  };
}

/** How much of `file` is already in `folder`: all of it if present and verified, else the `.part` size. */
async function bytesHere(folder: string, file: RepoFile, manifest: Awaited<ReturnType<typeof readManifest>>): Promise<number> {
  const dest = join(folder, file.path);
  const size = await stat(dest).then(
    (s) => s.size,
    () => -1,
  );
  if (size === file.size && (recorded(manifest, file) || (await hashMismatch(dest, file)) === null)) return file.size;
  const part = await stat(`${dest}.part`).then(
    (s) => s.size,
    () => 0,
  );
  return part <= file.size ? part : 0;
}
