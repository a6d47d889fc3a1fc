import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OpsHandlers {
  /** Resolves with null when the process is healthy, or with why it is not. */
  health(): Promise<string | null>;
  metrics(): Promise<{ contentType: string; body: string }>;
  /** Serves any other path; returns false to let it be a 404. */
  other?(req: IncomingMessage, res: ServerResponse): boolean;
}

export interface OpsServerOptions {
  /** The setting that chose the port, named in the error when it is taken. */
  portSetting?: string;
}

export interface OpsServer {
  readonly port: number;
  close(): Promise<void>;
}

interface Response {
  status: number;
  contentType: string;
  body: string;
}

const json = (status: number, value: unknown): Response => ({ status, contentType: 'application/json', body: JSON.stringify(value) });

async function route(handlers: OpsHandlers, req: IncomingMessage, path: string): Promise<Response> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return json(405, { error: 'method not allowed' });
  if (path === '/healthz') {
    const reason = await handlers.health().catch((err: unknown) => (err instanceof Error ? err.message : String(err)));
    return reason === null ? json(200, { status: 'ok' }) : json(503, { status: 'unavailable', reason });
  }
  try {
    const { contentType, body } = await handlers.metrics();
    return { status: 200, contentType, body };
  } catch {
    return json(500, { error: 'metrics unavailable' });
  }
}

function send(req: IncomingMessage, res: ServerResponse, { status, contentType, body }: Response): void {
  res.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** A process's operations endpoints, `GET /healthz` and `GET /metrics` (and what `other` serves), on plain node:http. */
export async function startOpsServer(handlers: OpsHandlers, host: string, port: number, opts: OpsServerOptions = {}): Promise<OpsServer> {
  const setting = opts.portSetting ?? 'OPS_PORT';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = new URL(req.url ?? '/', 'http://ops').pathname;
    if (path === '/healthz' || path === '/metrics') void route(handlers, req, path).then((r) => send(req, res, r));
    else if (!handlers.other?.(req, res)) send(req, res, json(404, { error: 'not found' }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(err.code === 'EADDRINUSE' ? new Error(`${setting} ${port} is in use on ${host}: set ${setting} to a free port (0 picks one)`) : err),
    );
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // A scraper holding a keep-alive connection must not delay shutdown.
        server.closeAllConnections();
      }),
  };
}
