import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import type { RepoFile } from './hub-client.js';

/**
 * Checks a downloaded file against the hash the hub lists: sha256 for LFS files, the git blob id
 * for files kept in git. Returns a description of the mismatch, or null when it matches (or the
 * hub gave no hash).
 */
export async function hashMismatch(path: string, file: RepoFile): Promise<string | null> {
  if (file.sha256) {
    const actual = await digest(path, 'sha256');
    return actual === file.sha256 ? null : `sha256 ${actual}, expected ${file.sha256}`;
  }
  if (file.gitOid) {
    const actual = await digest(path, 'sha1', `blob ${file.size}\0`);
    return actual === file.gitOid ? null : `git blob id ${actual}, expected ${file.gitOid}`;
  }
  return null;
}

async function digest(path: string, algorithm: 'sha256' | 'sha1', prefix = ''): Promise<string> {
  const hash = createHash(algorithm);
  hash.update(prefix);
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
