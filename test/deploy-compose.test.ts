import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schema as botEnv } from '../apps/bot/src/config.js';
import { schema as workerEnv } from '../apps/worker/src/config.js';
import { REPO_ROOT } from './helpers/paths.js';

type Service = {
  command?: string[];
  build?: string | { context: string; target?: string; args?: Record<string, string> };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  environment?: Record<string, string>;
  profiles?: string[];
  healthcheck?: { test: string[] };
  deploy?: { resources: { reservations: { devices: { driver: string; count: number; capabilities: string[] }[] } } };
};

const compose = parse(readFileSync(`${REPO_ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes: Record<string, unknown> };
const { redis, bot, worker, 'worker-gpu': gpu } = compose.services;

/** The compose CLI this machine has, if any: the v2 plugin or the standalone docker-compose. */
function composeCli(): string[] | undefined {
  for (const cli of [['docker', 'compose'], ['docker-compose']]) {
    try {
      execFileSync(cli[0]!, [...cli.slice(1), 'version'], { stdio: 'ignore' });
      return cli;
    } catch {
      // not installed
    }
  }
  return undefined;
}

describe('docker-compose.yml', () => {
  it('validates with the compose CLI, gpu profile included', (ctx) => {
    const cli = composeCli();
    // Docker's engine is not needed for `config`, only the CLI; the structural tests below still run without it.
    if (!cli) return ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), 'parley-compose-'));
    copyFileSync(`${REPO_ROOT}docker-compose.yml`, join(dir, 'docker-compose.yml'));
    copyFileSync(`${REPO_ROOT}.env.example`, join(dir, '.env'));
    symlinkSync(`${REPO_ROOT}Dockerfile`, join(dir, 'Dockerfile'));
    const out = execFileSync(cli[0]!, [...cli.slice(1), '--profile', 'gpu', 'config'], { cwd: dir, encoding: 'utf8' });
    const resolved = parse(out) as { services: Record<string, Service> };
    expect(Object.keys(resolved.services).sort()).toEqual(['bot', 'redis', 'worker', 'worker-gpu']);
    expect(resolved.services['worker-gpu']!.environment).toMatchObject({ ORT_EXECUTION_PROVIDER: 'cuda', MODEL_DIR: '/models/flan-t5-small' });
  });

  it('runs Redis with AOF, noeviction and a health check, and starts everything else once it is healthy', () => {
    expect(redis!.command!.join(' ')).toMatch(/--appendonly yes/);
    expect(redis!.command!.join(' ')).toMatch(/--maxmemory-policy noeviction/);
    expect(redis!.healthcheck!.test).toContain('redis-cli');
    for (const service of [bot, worker, gpu]) expect(service!.depends_on).toEqual({ redis: { condition: 'service_healthy' } });
  });

  it('has a CPU worker, and a gpu-profile worker built with CUDA onnxruntime that reserves an NVIDIA device', () => {
    expect(worker!.profiles).toBeUndefined();
    expect(worker!.environment!['ORT_EXECUTION_PROVIDER']).toBe('cpu');
    expect(gpu!.profiles).toEqual(['gpu']);
    expect(gpu!.build).toMatchObject({ target: 'runtime-gpu', args: { ONNXRUNTIME_NODE_INSTALL: 'cuda12' } });
    expect(gpu!.environment!['ORT_EXECUTION_PROVIDER']).toBe('cuda');
    expect(gpu!.deploy!.resources.reservations.devices).toEqual([{ driver: 'nvidia', count: 1, capabilities: ['gpu'] }]);
    for (const w of [worker, gpu]) expect(w!.volumes).toContain('models:/models');
    expect(Object.keys(compose.volumes)).toContain('models');
  });

  it('gives workers no Slack secrets', () => {
    for (const w of [worker, gpu]) expect(Object.keys(w!.environment!).filter((k) => k.startsWith('SLACK_'))).toEqual([]);
    for (const w of [worker, gpu]) expect(w).not.toHaveProperty('env_file');
  });
});

describe('Dockerfile', () => {
  const dockerfile = readFileSync(`${REPO_ROOT}Dockerfile`, 'utf8');
  const stages = [...dockerfile.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)].map((m) => m[2] ?? m[1]);

  it('builds in stages, the CPU runtime last (the default target), and runs as a non-root user', () => {
    expect(stages).toEqual(['build', 'runtime-gpu', 'runtime']);
    const users = [...dockerfile.matchAll(/^USER (\S+)$/gm)].map((m) => m[1]);
    expect(users).toHaveLength(2);
    expect(users).not.toContain('root');
  });

  it('installs every workspace, and skips the CUDA download unless the build arg asks for it', () => {
    const lock = JSON.parse(readFileSync(`${REPO_ROOT}package-lock.json`, 'utf8')) as { packages: Record<string, { name?: string }> };
    const workspaces = Object.keys(lock.packages).filter((p) => /^(apps|packages)\/[^/]+$/.test(p));
    for (const ws of workspaces) expect(dockerfile).toContain(`COPY ${ws}/package.json ${ws}/`);
    expect(readFileSync(`${REPO_ROOT}.npmrc`, 'utf8')).toMatch(/^onnxruntime-node-install=skip$/m);
    expect(dockerfile).toMatch(/^ARG ONNXRUNTIME_NODE_INSTALL=skip$/m);
  });
});

describe('.env.example', () => {
  const example = readFileSync(`${REPO_ROOT}.env.example`, 'utf8');
  it('lists every variable the bot and the worker read', () => {
    const keys = [...Object.keys(botEnv.shape), ...Object.keys(workerEnv.shape), 'LOG_LEVEL', 'MODEL_NAME'];
    const missing = keys.filter((k) => !new RegExp(`^#? ?${k}=`, 'm').test(example));
    expect(missing).toEqual([]);
  });
});
