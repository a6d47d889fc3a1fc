import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { REST } from 'discord.js';
import { describe, expect, it } from 'vitest';

describe('loopback guard (test setup)', () => {
  it('fails a connection to any host but loopback', async () => {
    const err = (await fetch('http://parley-guard-check.invalid/').catch((e: unknown) => e)) as Error & { cause?: Error };
    expect(err.cause?.message).toMatch(/loopback guard: blocked a connection to parley-guard-check\.invalid:80/);
  });

  it('fails "localhost" and ::1 as well: only 127.0.0.1 is allowed', async () => {
    for (const url of ['http://localhost:65001/', 'http://[::1]:65001/']) {
      const err = (await fetch(url).catch((e: unknown) => e)) as Error & { cause?: Error };
      expect(err.cause?.message).toMatch(/loopback guard: blocked a connection to (localhost|::1):65001/);
    }
  });

  it("fails discord.js's REST client at its default https://discord.com/api", async () => {
    const rest = new REST({ retries: 0, timeout: 5000 }).setToken('not-a-real-token');
    const err = (await rest.get('/gateway/bot').catch((e: unknown) => e)) as Error & { cause?: Error };
    expect(`${err.message} ${err.cause?.message ?? ''}`).toMatch(/loopback guard: blocked a connection to discord\.com:443/);
  });

  it('lets 127.0.0.1 through', async () => {
    const server = createServer((_, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      expect(await res.text()).toBe('ok');
    } finally {
      server.close();
    }
  });
});
