import { z } from 'zod';
import { HubUnreachableError, ModelsError, NotFoundError } from './errors.js';

/** One file of a repo as the hub lists it. */
export interface RepoFile {
  path: string;
  size: number;
  /** sha256 of the content, for files stored in LFS (the hub's `lfs.oid`). */
  sha256?: string;
  /** Git blob id (sha1 of `blob <size>\0<content>`), for files stored in git itself. */
  gitOid?: string;
}

const treeEntry = z.object({
  type: z.string(),
  path: z.string().min(1),
  size: z.number().int().min(0).optional(),
  oid: z.string().optional(),
  lfs: z.object({ oid: z.string(), size: z.number().int().min(0) }).optional(),
});
const treePage = z.array(treeEntry);

const HEX40 = /^[0-9a-f]{40}$/;
const HEX64 = /^[0-9a-f]{64}$/;

export interface HubOptions {
  endpoint: string;
  token: string | undefined;
}

/** The few hub endpoints `pull` needs: the recursive file listing and each file's resolve URL. */
export class HubClient {
  constructor(private readonly options: HubOptions) {}

  fileUrl(repo: string, revision: string, path: string): string {
    return `${this.options.endpoint}/${repo}/resolve/${encodeURIComponent(revision)}/${path.split('/').map(encodeURIComponent).join('/')}`;
  }

  /** Every file of the repo at `revision`, following the listing's pages. */
  async listFiles(repo: string, revision: string): Promise<RepoFile[]> {
    const files: RepoFile[] = [];
    let url: string | null = `${this.options.endpoint}/api/models/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`;
    while (url) {
      const response = await this.get(url, repo, null, revision);
      const page = treePage.safeParse(await response.json().catch(() => undefined));
      if (!page.success) throw new ModelsError('HUB_UNREACHABLE', `The hub's file list for ${repo} is not in the expected format.`);
      for (const entry of page.data) {
        if (entry.type !== 'file') continue;
        const size = entry.lfs?.size ?? entry.size;
        if (size === undefined) continue;
        const file: RepoFile = { path: entry.path, size };
        if (entry.lfs && HEX64.test(entry.lfs.oid)) file.sha256 = entry.lfs.oid;
        else if (!entry.lfs && entry.oid && HEX40.test(entry.oid)) file.gitOid = entry.oid;
        files.push(file);
      }
      url = nextLink(response.headers.get('link'));
    }
    return files;
  }

  /**
   * A GET that maps the hub's refusals to errors naming the repo (and file). Network failures
   * become HUB_UNREACHABLE; the caller decides whether to retry.
   */
  async get(url: string, repo: string, file: string | null, revision: string, headers: Record<string, string> = {}): Promise<Response> {
    let response: Response;
    try {
      response = await fetch(url, { headers: { ...this.authHeader(), ...headers }, redirect: 'follow' });
    } catch (err) {
      throw new HubUnreachableError(this.options.endpoint, describeCause(err), { cause: err });
    }
    if (response.ok || response.status === 416) return response;
    await response.body?.cancel();
    if (response.status === 404) throw new NotFoundError(repo, file, revision);
    if (response.status === 401 || response.status === 403) {
      const hint = this.options.token ? 'HF_TOKEN has no access to it' : 'it may be private or gated: set HF_TOKEN';
      throw new ModelsError('HUB_DENIED', `The hub refused ${file ?? 'the file list'} of ${repo} (HTTP ${response.status}): ${hint}.`);
    }
    throw new ModelsError('HUB_UNREACHABLE', `The hub answered HTTP ${response.status} for ${file ?? 'the file list'} of ${repo}.`);
  }

  private authHeader(): Record<string, string> {
    return this.options.token ? { authorization: `Bearer ${this.options.token}` } : {};
  }
}

function nextLink(header: string | null): string | null {
  if (!header) return null;
  for (const part of header.split(',')) {
    const match = /<([^>]+)>\s*;\s*rel="?next"?/.exec(part);
    if (match) return match[1]!;
  }
  return null;
}

export function describeCause(err: unknown): string {
  const cause = err instanceof Error && err.cause instanceof Error ? err.cause : err;
  if (cause instanceof Error) return 'code' in cause && typeof cause.code === 'string' ? cause.code : cause.message;
  return String(cause);
}
