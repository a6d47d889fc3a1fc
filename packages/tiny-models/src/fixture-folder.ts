import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Writes files into a folder that is being built. */
export interface FolderWriter {
  json(name: string, value: object): Promise<void>;
  bytes(name: string, data: Uint8Array | Uint8Array[]): Promise<void>;
}

/** A short stable hash of a fixture spec, naming its cache folder. */
export function specKey(spec: object): string {
  return createHash('sha256').update(JSON.stringify(spec)).digest('hex').slice(0, 12);
}

/**
 * Returns `dir` if it already holds `doneFile`; otherwise builds it beside the target and renames it
 * into place, so concurrent callers never see a half-written folder and a finished one is never rewritten.
 */
export async function ensureFolder(dir: string, doneFile: string, build: (out: FolderWriter) => Promise<void>): Promise<string> {
  if (existsSync(join(dir, doneFile))) return dir;
  const tmp = `${dir}.tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
  await mkdir(tmp, { recursive: true });
  const target = async (name: string) => {
    const path = join(tmp, name);
    await mkdir(join(path, '..'), { recursive: true });
    return path;
  };
  try {
    await build({
      json: async (name, value) => writeFile(await target(name), JSON.stringify(value, null, 2)),
      bytes: async (name, data) => writeFile(await target(name), Array.isArray(data) ? data : [data]),
    });
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, doneFile))) throw err;
  }
  return dir;
}
