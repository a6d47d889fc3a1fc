import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { schema as botEnv } from '../apps/bot/src/config.js';
import { schema as workerEnv } from '../apps/worker/src/config.js';
import { REPO_ROOT } from './helpers/paths.js';

type Service = {
  command?: string[];
  build?: string | { context: string; target?: string; args?: Record<string, string> };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  environment?: Record<string, string | null>;
  env_file?: unknown;
  profiles?: string[];
  healthcheck?: { test: string[] };
  deploy?: { resources: { reservations: { devices: { driver: string; count: number; capabilities: string[] }[] } } };
};

const compose = parse(readFileSync(`${REPO_ROOT}docker-compose.yml`, 'utf8'), { merge: true }) as { services: Record<string, Service>; volumes?: Record<string, unknown> };
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

/** The checkout as a fresh clone has it: the files git tracks or would track (this working tree's versions), no .env, no models. */
const clones: string[] = [];
afterAll(() => clones.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function freshClone(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-clone-'));
  clones.push(dir);
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\0');
  for (const file of files.filter((f) => f && existsSync(`${REPO_ROOT}${f}`))) {
    mkdirSync(dirname(join(dir, file)), { recursive: true });
    cpSync(`${REPO_ROOT}${file}`, join(dir, file));
  }
  return dir;
}

describe('docker-compose.yml', () => {
  const cli = composeCli();
  // Docker's engine is not needed for `config`, only the CLI; the structural tests below still run without it.
  const resolved = (dir: string, ...profile: string[]) =>
    parse(execFileSync(cli![0]!, [...cli!.slice(1), ...profile, 'config'], { cwd: dir, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as { services: Record<string, Service> };

  it('validates with the compose CLI in a fresh clone without .env, default and gpu profiles', (ctx) => {
    if (!cli) return ctx.skip();
    const dir = freshClone();
    expect(existsSync(join(dir, 'docker-compose.yml'))).toBe(true);
    expect(existsSync(join(dir, '.env'))).toBe(false);
    // (docker-compose 1.x lists profiled services in `config` too; 2.x leaves worker-gpu out.)
    expect(Object.keys(resolved(dir).services)).toEqual(expect.arrayContaining(['bot', 'redis', 'worker']));
    const gpuProfile = resolved(dir, '--profile', 'gpu').services;
    expect(Object.keys(gpuProfile).sort()).toEqual(['bot', 'redis', 'worker', 'worker-gpu']);
    for (const name of ['worker', 'worker-gpu']) {
      const w = gpuProfile[name]!;
      expect(w.environment).toMatchObject({ MODEL_REGISTRY: '/models/registry.json' });
      expect(w.environment).not.toHaveProperty('MODEL_DIR');
      // ./models of the checkout, where `npm run models -- pull` and `import` write, read-only.
      expect(w.volumes).toEqual([`${join(dir, 'models')}:/models:ro`]);
    }
    expect(gpuProfile['worker-gpu']!.environment).toMatchObject({ ORT_EXECUTION_PROVIDER: 'cuda' });
    // Without .env, the bot's variables are left unset (its defaults, the playground), not set empty.
    expect(gpuProfile['bot']!.environment).toMatchObject({ SLACK_BOT_TOKEN: null, DISCORD_TOKEN: null, REDIS_URL: 'redis://redis:6379' });
  });

  it('hands the bot what .env says, and the workers none of the chat tokens', (ctx) => {
    if (!cli) return ctx.skip();
    const dir = freshClone();
    cpSync(join(dir, '.env.example'), join(dir, '.env'));
    const services = resolved(dir, '--profile', 'gpu').services;
    expect(services['bot']!.environment).toMatchObject({ SLACK_BOT_TOKEN: 'xoxb-', SLACK_MODE: 'http', DISCORD_TOKEN: null });
    for (const name of ['worker', 'worker-gpu']) {
      const keys = Object.entries(services[name]!.environment!).filter(([, v]) => v !== null).map(([k]) => k);
      expect(keys.filter((k) => /^(SLACK|DISCORD)_/.test(k))).toEqual([]);
    }
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
    for (const w of [worker, gpu]) expect(w!.volumes).toEqual(['./models:/models:ro']);
    expect(Object.keys(compose.volumes ?? {})).not.toContain('models');
  });

  it('routes every task through the registry `npm run models` writes, at /models/registry.json', () => {
    for (const w of [worker, gpu]) {
      expect(w!.environment!['MODEL_REGISTRY']).toBe('/models/registry.json');
      expect(w!.environment).not.toHaveProperty('MODEL_DIR');
    }
  });

  it('gives workers no Slack or Discord variable, only worker settings', () => {
    const workerKeys = [...Object.keys(workerEnv.shape), 'LOG_LEVEL'];
    for (const w of [worker, gpu]) {
      const keys = Object.keys(w!.environment!);
      expect(keys.filter((k) => /^(SLACK|DISCORD)_/.test(k))).toEqual([]);
      expect(keys.filter((k) => !workerKeys.includes(k))).toEqual([]);
      expect(w).not.toHaveProperty('env_file');
    }
  });

  it('passes the bot every variable it reads and no model variable, with no env_file a fresh clone lacks', () => {
    const keys = Object.keys(bot!.environment!);
    expect(Object.keys(botEnv.shape).filter((k) => !keys.includes(k))).toEqual([]);
    expect(keys.filter((k) => k.startsWith('MODEL') || !(k in botEnv.shape || k === 'LOG_LEVEL'))).toEqual([]);
    expect(bot).not.toHaveProperty('env_file');
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

  it('bakes no model into the image: ./models stays out of the build context and no COPY takes it', () => {
    expect(readFileSync(`${REPO_ROOT}.dockerignore`, 'utf8')).toMatch(/^\/?models\/?$/m);
    const sources = [...dockerfile.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(/\s+/));
    expect(sources.filter((src) => src === '.' || /^\.?\/?models\b/.test(src))).toEqual([]);
  });

  it('approves, in package.json, every install script the lockfile has (npm 11 warns about the others)', () => {
    const lock = JSON.parse(readFileSync(`${REPO_ROOT}package-lock.json`, 'utf8')) as { packages: Record<string, { hasInstallScript?: boolean; link?: boolean }> };
    const { allowScripts = {} } = JSON.parse(readFileSync(`${REPO_ROOT}package.json`, 'utf8')) as { allowScripts?: Record<string, boolean> };
    const withScripts = Object.entries(lock.packages)
      .filter(([path, p]) => p.hasInstallScript && path.includes('node_modules/'))
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    expect([...new Set(withScripts)].filter((name) => allowScripts[name] !== true)).toEqual([]);
  });
});

describe('.env.example', () => {
  const example = readFileSync(`${REPO_ROOT}.env.example`, 'utf8');
  it('lists every variable the bot and the worker read', () => {
    const keys = [...Object.keys(botEnv.shape), ...Object.keys(workerEnv.shape), 'LOG_LEVEL'];
    const missing = keys.filter((k) => !new RegExp(`^#? ?${k}=`, 'm').test(example));
    expect(missing).toEqual([]);
  });
});
