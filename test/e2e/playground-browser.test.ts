import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';
import { queuedJob } from '../helpers/playground.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = `${REPO_ROOT}test-artifacts/playground.png`;
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`[playground-browser] skipped: ${CHROMIUM} is absent; install it with scripts/install-test-tools.sh (README, setup)`);

/** `npm start` as a user runs it (after the build `npm test` already did), on a free port and its own queue prefix. */
function startParley(prefix: string): { child: ChildProcess; url: Promise<string>; output: () => string } {
  const child = spawn(process.execPath, [`${REPO_ROOT}.build/scripts/start.js`], {
    env: {
      PATH: process.env['PATH'] ?? '',
      REDIS_URL,
      PARLEY_QUEUE_PREFIX: prefix,
      PLAYGROUND_PORT: '0',
      BOT_OPS_PORT: '0',
      BOT_OPS_HOST: '127.0.0.1',
      OPS_PORT: '0',
      OPS_HOST: '127.0.0.1',
      PROGRESS_INTERVAL_MS: '25',
      ORT_INTRA_OP_THREADS: '1',
      RATE_LIMIT_USER_PER_MINUTE: '100',
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
  return { child, url, output: () => out };
}

describe.skipIf(!haveChromium)(`playground in headless Chromium (${CHROMIUM}; skipped when absent)`, () => {
  const prefix = uniquePrefix('pg-browser');
  let parley: ReturnType<typeof startParley>;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    parley = startParley(prefix);
    const url = await parley.url;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(url);
    await page.waitForSelector('body[data-live="true"]');
    // Records every state a reply passes through, so the test can tell that it streamed.
    // (A string: this runs in the page, and the tests compile without DOM types.)
    await page.evaluate(`
      window.seenStates = [];
      new MutationObserver((records) => {
        for (const r of records) for (const n of r.addedNodes) {
          if (!n.querySelectorAll) continue;
          for (const m of [n, ...n.querySelectorAll('[data-state]')]) if (m.dataset.state) window.seenStates.push(m.dataset.request + ':' + m.dataset.state);
        }
      }).observe(document.getElementById('messages'), { childList: true, subtree: true });
    `);
  });

  afterAll(async () => {
    await browser?.close();
    if (parley?.child.exitCode === null) {
      parley.child.kill('SIGTERM');
      await new Promise((r) => parley.child.once('exit', r));
    }
    await dropPrefix(prefix);
  });

  const send = async (text: string) => {
    await page.fill('#text', text);
    await page.press('#text', 'Enter');
  };

  /** Waits for the final reply after `count` finished bot replies, and returns its request id and footer. */
  const nextFinal = async (count: number) => {
    const final = page.locator('.msg.bot[data-state="done"][data-request]').nth(count);
    await final.locator('.footer').waitFor({ timeout: 60_000 });
    return { requestId: (await final.getAttribute('data-request'))!, footer: (await final.locator('.footer').textContent())!, text: (await final.locator('.text').textContent())! };
  };

  it('loads the sample thread, streams a /summarize reply to its footer, and a changed temperature reaches the next job', async () => {
    expect(await page.locator('#test-model').textContent()).toContain('random test model');

    await page.click('#load-sample');
    await page.waitForFunction(`document.querySelectorAll('.msg').length >= 45`);

    await send('<b>not bold</b> & friends');
    const typed = page.locator('.msg:not(.bot) .text', { hasText: 'not bold' });
    await typed.waitFor();
    expect(await typed.textContent()).toBe('<b>not bold</b> & friends');
    expect(await page.locator('#messages b').count()).toBe(0);

    await send('/summarize max_new_tokens=300');
    const first = await nextFinal(0);
    expect(first.footer).toMatch(/^summarize · \d+ messages · .*random test model.* · greedy, max 300 tokens$/);
    const states = (await page.evaluate('window.seenStates')) as string[];
    expect(states).toContain(`${first.requestId}:waiting`);
    expect(states).toContain(`${first.requestId}:streaming`);
    expect(states.at(-1)).toBe(`${first.requestId}:done`);

    await page.check('input[name="doSample"][value="true"]');
    await page.fill('#s-temperature', '1.5');
    expect(await page.locator('output[for="s-temperature"]').textContent()).toBe('1.5');
    await page.click('#save-settings');
    await page.locator('#settings-summary', { hasText: 'temperature 1.5' }).waitFor();

    await send('/summarize');
    const second = await nextFinal(1);
    expect(second.requestId).not.toBe(first.requestId);
    expect(second.footer).toContain('sampling, temperature 1.5');
    expect((await queuedJob(prefix, second.requestId)).generation).toEqual({ doSample: true, temperature: 1.5, maxNewTokens: 128 });

    mkdirSync(`${REPO_ROOT}test-artifacts`, { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
    // No log line carries message text.
    expect(parley.output()).not.toContain('not bold');
    expect(parley.output()).not.toContain('billing_backfill_enabled');
  });
});
