import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { REPO_ROOT } from './paths.js';
import { dropPrefix, REDIS_URL } from './redis.js';

/** Debian's Chromium, which scripts/install-test-tools.sh installs; browser tests are skipped without it. */
export const CHROMIUM = '/usr/bin/chromium';
export const haveChromium = existsSync(CHROMIUM);

interface StartedParley {
  child: ChildProcess;
  /** The playground URL `npm start` prints. */
  url: Promise<string>;
  /** Everything the processes wrote, stdout and stderr. */
  output: () => string;
  stop: () => Promise<void>;
}

/** `npm start` as a user runs it (after the build `npm test` already did), on free ports and its own queue prefix. */
function startParley(prefix: string, env: NodeJS.ProcessEnv = {}): StartedParley {
  // Its own folder for the Redis `npm start` would run, so a test never touches the developer's .cache/redis.
  const redisDir = mkdtempSync(join(tmpdir(), 'parley-start-redis-'));
  const modelsDir = mkdtempSync(join(tmpdir(), 'parley-start-models-'));
  const child = spawn(process.execPath, [`${REPO_ROOT}.build/scripts/start.js`], {
    env: {
      PATH: process.env['PATH'] ?? '',
      REDIS_URL,
      PARLEY_REDIS_DIR: redisDir,
      // Nothing installed, whatever this checkout's ./models holds: the page shows the random test model.
      MODELS_DIR: modelsDir,
      PARLEY_QUEUE_PREFIX: prefix,
      PLAYGROUND_PORT: '0',
      BOT_OPS_PORT: '0',
      BOT_OPS_HOST: '127.0.0.1',
      OPS_PORT: '0',
      OPS_HOST: '127.0.0.1',
      PROGRESS_INTERVAL_MS: '25',
      ORT_INTRA_OP_THREADS: '1',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
  const url = new Promise<string>((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (c: Buffer) => {
      err += c.toString();
      out += c.toString();
      const found = /Parley playground: (\S+)/.exec(err);
      if (found) resolve(found[1]!);
    });
    child.on('exit', (code) => reject(new Error(`npm start exited (${code}) before printing the URL: ${err}`)));
  });
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    for (const dir of [redisDir, modelsDir]) rmSync(dir, { recursive: true, force: true });
  };
  return { child, url, output: () => out, stop };
}

/** Headless Chromium on `url`, once the page's event stream is live. */
async function openPlayground(url: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(url);
  await page.waitForSelector('body[data-live="true"]');
  return { browser, page };
}

/** A message node the page added: a placeholder, each streamed version, an answer. */
export interface SeenMessage {
  id: string;
  request?: string;
  state?: string;
  text: string;
}

/**
 * Records every message node the page adds from now on, so a test can tell what a reply said
 * while it waited and that it streamed; read them with `seenMessages`. (A string: it runs in the
 * page, and the tests compile without DOM types.)
 */
async function recordMessages(page: Page): Promise<void> {
  await page.evaluate(`
    window.seen = [];
    new MutationObserver((records) => {
      for (const r of records) for (const n of r.addedNodes) {
        if (!n.querySelectorAll) continue;
        for (const m of [n, ...n.querySelectorAll('.msg')]) {
          if (m.classList.contains('msg')) window.seen.push({ id: m.dataset.id, request: m.dataset.request, state: m.dataset.state, text: m.querySelector('.text').textContent });
        }
      }
    }).observe(document.getElementById('messages'), { childList: true, subtree: true });
  `);
}

export async function seenMessages(page: Page): Promise<SeenMessage[]> {
  return (await page.evaluate('window.seen')) as SeenMessage[];
}

/**
 * For a describe block: `npm start` on its own queue prefix, a page open on the playground that
 * records the message nodes it adds, and everything stopped and dropped afterwards. The fields are
 * set once `beforeAll` has run.
 */
export function playgroundInBrowser(prefix: string, before?: () => void): { parley: StartedParley; browser: Browser; page: Page } {
  const session = {} as { parley: StartedParley; browser: Browser; page: Page };
  beforeAll(async () => {
    before?.();
    session.parley = startParley(prefix);
    Object.assign(session, await openPlayground(await session.parley.url));
    await recordMessages(session.page);
  });
  afterAll(async () => {
    await session.browser?.close();
    await session.parley?.stop();
    await dropPrefix(prefix);
  });
  return session;
}
