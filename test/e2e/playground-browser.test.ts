import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';
import { queuedJob } from '../helpers/playground.js';
import { dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { CHROMIUM, haveChromium, openPlayground, recordMessages, seenMessages, startParley, type StartedParley } from '../helpers/start-parley.js';

const SCREENSHOT = `${REPO_ROOT}test-artifacts/playground.png`;
if (!haveChromium) console.warn(`[playground-browser] skipped: ${CHROMIUM} is absent; install it with scripts/install-test-tools.sh (README, setup)`);

describe.skipIf(!haveChromium)(`playground in headless Chromium (${CHROMIUM}; skipped when absent)`, () => {
  const prefix = uniquePrefix('pg-browser');
  let parley: StartedParley;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    parley = startParley(prefix);
    ({ browser, page } = await openPlayground(await parley.url));
    // Every state a reply passes through, so the test can tell that it streamed.
    await recordMessages(page);
  });

  afterAll(async () => {
    await browser?.close();
    await parley?.stop();
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
    const states = (await seenMessages(page)).filter((m) => m.request).map((m) => `${m.request}:${m.state}`);
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
