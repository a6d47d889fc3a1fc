import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { HubUnreachableError, IntegrityError, ModelsError } from './errors.js';
import { hashMismatch } from './file-hash.js';
import type { HubClient, RepoFile } from './hub-client.js';

export interface DownloadRequest {
  repo: string;
  revision: string;
  file: RepoFile;
  /** Final path; the bytes collect in `<dest>.part` until they are verified. */
  dest: string;
}

export interface DownloadOptions {
  /** Tries per file; each one resumes where the last stopped. */
  attempts: number;
  /** Wait before try n+1: n × this. */
  retryDelayMs: number;
  /** Bytes of this file on disk so far (resumed bytes included). */
  onProgress: (bytes: number) => void;
  /** A try failed and another follows. */
  onRetry: (reason: string, resumeAt: number) => void;
}

/**
 * Downloads one file into `<dest>.part`, resuming with a Range request from whatever an earlier
 * try or an earlier run left there, then checks size and hash before renaming it into place.
 */
export async function downloadFile(hub: HubClient, request: DownloadRequest, options: DownloadOptions): Promise<void> {
  const { repo, file, dest } = request;
  const part = `${dest}.part`;
  await mkdir(dirname(dest), { recursive: true });
  let lastFailure = '';
  for (let attempt = 1; attempt <= options.attempts; attempt++) {
    let onDisk = await sizeOf(part);
    if (onDisk > file.size) {
      await rm(part, { force: true });
      onDisk = 0;
    }
    if (onDisk === file.size) break;
    lastFailure = '';
    try {
      await transfer(hub, request, onDisk, options.onProgress);
    } catch (err) {
      if (!(err instanceof ModelsError && err.code === 'HUB_UNREACHABLE')) throw err;
      // The hub dropping out part-way: a re-run resumes, so the advice for no hub at all is left out.
      lastFailure = err instanceof HubUnreachableError ? err.failure : err.message;
    }
    const now = await sizeOf(part);
    if (now === file.size) break;
    lastFailure ||= `the connection closed at ${now} of ${file.size} bytes`;
    if (attempt < options.attempts) {
      options.onRetry(lastFailure, now);
      await new Promise((r) => setTimeout(r, options.retryDelayMs * attempt));
    }
  }
  const got = await sizeOf(part);
  if (got !== file.size) {
    throw new ModelsError(
      'DOWNLOAD_FAILED',
      `${file.path} from ${repo} stopped at ${got} of ${file.size} bytes after ${options.attempts} ${options.attempts === 1 ? 'try' : 'tries'}${lastFailure ? ` (${lastFailure})` : ''}; run pull again to resume.`,
    );
  }
  const mismatch = await hashMismatch(part, file);
  if (mismatch) {
    await rm(part, { force: true });
    throw new IntegrityError(repo, file.path, mismatch);
  }
  await rename(part, dest);
}

/** One request: appends to the part file from `offset` (or rewrites it when the server ignores the range). */
async function transfer(hub: HubClient, { repo, revision, file, dest }: DownloadRequest, offset: number, onProgress: (bytes: number) => void): Promise<void> {
  const part = `${dest}.part`;
  const headers: Record<string, string> = offset > 0 ? { range: `bytes=${offset}-` } : {};
  const response = await hub.get(hub.fileUrl(repo, revision, file.path), repo, file.path, revision, headers);
  if (response.status === 416) {
    // The part file does not fit the remote file any more: start over.
    await response.body?.cancel();
    await rm(part, { force: true });
    return;
  }
  const resumed = offset > 0 && response.status === 206 && contentRangeStart(response.headers.get('content-range')) === offset;
  if (!resumed) offset = 0;
  const handle = await open(part, resumed ? 'a' : 'w');
  let written = offset;
  try {
    if (!response.body) return;
    for await (const chunk of response.body) {
      written += chunk.byteLength;
      if (written > file.size) {
        await response.body.cancel().catch(() => undefined);
        await handle.close();
        await rm(part, { force: true });
        throw new IntegrityError(repo, file.path, `the hub sent more than the ${file.size} bytes it lists`);
      }
      await handle.write(chunk);
      onProgress(written);
    }
  } catch (err) {
    if (err instanceof ModelsError) throw err;
    throw new ModelsError('HUB_UNREACHABLE', `the transfer of ${file.path} broke off at ${written} bytes`, { cause: err });
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function contentRangeStart(header: string | null): number | null {
  const match = header ? /^bytes (\d+)-/.exec(header) : null;
  return match ? Number(match[1]) : null;
}

async function sizeOf(path: string): Promise<number> {
  return stat(path).then(
    (s) => s.size,
    () => 0,
  );
}
