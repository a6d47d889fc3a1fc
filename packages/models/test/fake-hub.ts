import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, relative } from 'node:path';

export interface HubRequest {
  method: string;
  path: string;
  range: string | undefined;
  authorization: string | undefined;
}

interface RepoState {
  files: Map<string, Buffer>;
  /** Bytes served instead of the listed ones. */
  served: Map<string, Buffer>;
  /** Paths listed but answered with 404. */
  gone: Set<string>;
  /** Paths whose next response is cut off after this many body bytes. */
  drops: Map<string, number>;
}

const isLfs = (path: string) => /\.onnx(_data.*)?$/.test(path) || path.endsWith('.safetensors');
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitOid = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

/**
 * A stand-in for the Hugging Face hub on 127.0.0.1: the recursive tree listing (paged with a Link
 * header), and `resolve` URLs with ETags, x-linked-etag/size for LFS files, and Range requests.
 */
export class FakeHub {
  readonly requests: HubRequest[] = [];
  /** Entries per listing page; the hub pages large repos. */
  pageSize = 1000;
  private readonly repos = new Map<string, RepoState>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeHub> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const hub = new FakeHub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    server.on('request', (req: IncomingMessage, res: ServerResponse) => hub.handle(req, res));
    return hub;
  }

  addRepo(repo: string, files: Record<string, Buffer>): void {
    this.repos.set(repo, { files: new Map(Object.entries(files)), served: new Map(), gone: new Set(), drops: new Map() });
  }

  /** Every file under `folder`, as repo paths. */
  static async folderFiles(folder: string): Promise<Record<string, Buffer>> {
    const files: Record<string, Buffer> = {};
    for (const entry of await readdir(folder, { withFileTypes: true, recursive: true })) {
      if (entry.isFile()) files[relative(folder, join(entry.parentPath, entry.name))] = await readFile(join(entry.parentPath, entry.name));
    }
    return files;
  }

  serveInstead(repo: string, path: string, bytes: Buffer): void {
    this.repo(repo).served.set(path, bytes);
  }
  answer404(repo: string, path: string): void {
    this.repo(repo).gone.add(path);
  }
  dropOnceAfter(repo: string, path: string, bytes: number): void {
    this.repo(repo).drops.set(path, bytes);
  }
  fileRequests(path: string): HubRequest[] {
    return this.requests.filter((r) => r.path.includes('/resolve/') && r.path.endsWith(`/${path}`));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private repo(name: string): RepoState {
    const repo = this.repos.get(name);
    if (!repo) throw new Error(`fake hub has no repo ${name}`);
    return repo;
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url!, this.url);
    this.requests.push({ method: req.method!, path: decodeURIComponent(url.pathname), range: req.headers.range, authorization: req.headers.authorization });
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([^/]+)$/.exec(url.pathname);
    if (tree) return this.listing(res, decodeURIComponent(tree[1]!), decodeURIComponent(tree[2]!), url);
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (resolve) return this.file(req, res, decodeURIComponent(resolve[1]!), decodeURIComponent(resolve[2]!), decodeURIComponent(resolve[3]!));
    res.writeHead(404).end('Not Found');
  }

  private listing(res: ServerResponse, name: string, revision: string, url: URL): void {
    const repo = this.repos.get(name);
    if (!repo || revision !== 'main' || url.searchParams.get('recursive') !== 'true') {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Repository not found' }));
      return;
    }
    const dirs = new Set([...repo.files.keys()].filter((p) => p.includes('/')).map((p) => p.slice(0, p.lastIndexOf('/'))));
    const entries: object[] = [...dirs].map((path) => ({ type: 'directory', oid: '0'.repeat(40), size: 0, path }));
    for (const [path, bytes] of repo.files) {
      entries.push(
        isLfs(path)
          ? { type: 'file', oid: gitOid(Buffer.from(`pointer ${path}`)), size: bytes.length, path, lfs: { oid: sha256(bytes), size: bytes.length, pointerSize: 134 } }
          : { type: 'file', oid: gitOid(bytes), size: bytes.length, path },
      );
    }
    const start = Number(url.searchParams.get('cursor') ?? 0);
    const page = entries.slice(start, start + this.pageSize);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (start + this.pageSize < entries.length) {
      headers['link'] = `<${this.url}${url.pathname}?recursive=true&cursor=${start + this.pageSize}>; rel="next"`;
    }
    res.writeHead(200, headers).end(JSON.stringify(page));
  }

  private file(req: IncomingMessage, res: ServerResponse, name: string, revision: string, path: string): void {
    const repo = this.repos.get(name);
    const listed = repo?.files.get(path);
    if (!repo || !listed || revision !== 'main' || repo.gone.has(path)) {
      res.writeHead(404, { 'x-error-code': 'EntryNotFound' }).end('Entry not found');
      return;
    }
    const body = repo.served.get(path) ?? listed;
    const etag = isLfs(path) ? sha256(listed) : gitOid(listed);
    const headers: Record<string, string | number> = { etag: `"${etag}"`, 'accept-ranges': 'bytes' };
    if (isLfs(path)) Object.assign(headers, { 'x-linked-etag': `"${etag}"`, 'x-linked-size': listed.length });
    let start = 0;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    if (range) {
      start = Number(range[1]);
      if (start >= body.length) {
        res.writeHead(416, { 'content-range': `bytes */${body.length}` }).end();
        return;
      }
    }
    const slice = body.subarray(start);
    headers['content-length'] = slice.length;
    if (range) headers['content-range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(range ? 206 : 200, headers);
    const drop = repo.drops.get(path);
    if (drop !== undefined) {
      repo.drops.delete(path);
      // The pause lets the client take the bytes in: fetch drops chunks still queued when the socket errors.
      res.write(slice.subarray(0, drop), () => setTimeout(() => res.socket?.destroy(), 100));
      return;
    }
    res.end(slice);
  }
}
