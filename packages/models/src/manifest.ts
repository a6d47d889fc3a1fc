import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import type { RepoFile } from './hub-client.js';

/** Written into each pulled folder: where it came from and what was verified, for `list` and re-pulls. */
export const MANIFEST_FILE = '.parley-model.json';

const manifestSchema = z.object({
  repo: z.string(),
  revision: z.string(),
  dtype: z.enum(['fp32', 'fp16', 'q8']),
  pulledAt: z.string(),
  files: z.array(z.object({ path: z.string(), size: z.number(), sha256: z.string().optional(), gitOid: z.string().optional() })),
});
export type Manifest = z.infer<typeof manifestSchema>;

export async function readManifest(folder: string): Promise<Manifest | undefined> {
  try {
    const parsed = manifestSchema.safeParse(JSON.parse(await readFile(join(folder, MANIFEST_FILE), 'utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

export async function writeManifest(folder: string, manifest: Manifest): Promise<void> {
  await writeFile(join(folder, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
}

/** Whether the manifest recorded exactly this version of the file as verified. */
export function recorded(manifest: Manifest | undefined, file: RepoFile): boolean {
  const entry = manifest?.files.find((f) => f.path === file.path);
  return entry !== undefined && entry.size === file.size && entry.sha256 === file.sha256 && entry.gitOid === file.gitOid;
}
