import { afterEach, describe, expect, it } from 'vitest';
import { startOpsServer, type OpsHandlers, type OpsServer } from '../src/ops-server.js';

describe('ops server', () => {
  let server: OpsServer | undefined;
  afterEach(async () => server?.close());

  async function start(health: OpsHandlers['health'], metrics: OpsHandlers['metrics'] = async () => ({ contentType: 'text/plain; version=0.0.4', body: 'up 1\n' })) {
    server = await startOpsServer({ health, metrics }, '127.0.0.1', 0);
    return (path: string, method = 'GET') => fetch(`http://127.0.0.1:${server!.port}${path}`, { method });
  }

  it('GET /healthz is 200 {"status":"ok"} when healthy', async () => {
    const get = await start(async () => null);
    const res = await get('/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('GET /healthz is 503 with the reason when not, or when the check throws', async () => {
    let check: OpsHandlers['health'] = async () => 'redis connection is reconnecting';
    const get = await start(() => check());
    let res = await get('/healthz');
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'unavailable', reason: 'redis connection is reconnecting' });
    check = async () => Promise.reject(new Error('worker is gone'));
    res = await get('/healthz');
    expect([res.status, await res.json()]).toEqual([503, { status: 'unavailable', reason: 'worker is gone' }]);
  });

  it('GET /metrics returns the scrape with its content type; other paths and methods are refused', async () => {
    const get = await start(async () => null);
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4');
    expect(await res.text()).toBe('up 1\n');
    expect((await get('/')).status).toBe(404);
    expect((await get('/metrics', 'POST')).status).toBe(405);
  });

  it('a port in use is a clear startup error', async () => {
    await start(async () => null);
    await expect(startOpsServer({ health: async () => null, metrics: async () => ({ contentType: '', body: '' }) }, '127.0.0.1', server!.port)).rejects.toThrow(
      `OPS_PORT ${server!.port} is in use on 127.0.0.1: set OPS_PORT to a free port (0 picks one)`,
    );
  });

  it('names the port setting it was given when the port is taken', async () => {
    await start(async () => null);
    await expect(
      startOpsServer({ health: async () => null, metrics: async () => ({ contentType: '', body: '' }) }, '127.0.0.1', server!.port, { portSetting: 'BOT_OPS_PORT' }),
    ).rejects.toThrow(`BOT_OPS_PORT ${server!.port} is in use on 127.0.0.1: set BOT_OPS_PORT to a free port (0 picks one)`);
  });

  it('hands other paths to `other`, and they are 404 when it declines them', async () => {
    server = await startOpsServer(
      {
        health: async () => null,
        metrics: async () => ({ contentType: 'text/plain', body: '' }),
        other: (req, res) => {
          if (!req.url?.startsWith('/queues')) return false;
          res.writeHead(418).end('board');
          return true;
        },
      },
      '127.0.0.1',
      0,
    );
    const res = await fetch(`http://127.0.0.1:${server.port}/queues/api`, { method: 'POST' });
    expect([res.status, await res.text()]).toEqual([418, 'board']);
    expect((await fetch(`http://127.0.0.1:${server.port}/elsewhere`)).status).toBe(404);
  });
});
