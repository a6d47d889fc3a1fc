import { Redis } from 'ioredis';
import { existsSync, mkdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FeedbackStore } from '../../apps/bot/src/core/feedback.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { queuedJob } from '../helpers/playground.js';
import { REDIS_URL, uniquePrefix } from '../helpers/redis.js';
import { CHROMIUM, haveChromium, playgroundInBrowser, seenMessages } from '../helpers/start-parley.js';

const SCREENSHOT = `${REPO_ROOT}test-artifacts/playground.png`;
if (!haveChromium) console.warn(`[playground-browser] skipped: ${CHROMIUM} is absent; install it with scripts/install-test-tools.sh (README, setup)`);

describe.skipIf(!haveChromium)(`playground in headless Chromium (${CHROMIUM}; skipped when absent)`, () => {
  const prefix = uniquePrefix('pg-browser');
  const session = playgroundInBrowser(prefix);

  const send = async (text: string) => {
    await session.page.fill('#text', text);
    await session.page.press('#text', 'Enter');
  };

  /** Waits for the final reply after `count` finished bot replies, and returns its request id and footer. */
  const nextFinal = async (count: number) => {
    const final = session.page.locator('.msg.bot[data-state="done"][data-request]').nth(count);
    await final.locator('.footer').waitFor({ timeout: 60_000 });
    return { requestId: (await final.getAttribute('data-request'))!, footer: (await final.locator('.footer').textContent())!, text: (await final.locator('.text').textContent())! };
  };

  it('loads the sample thread, streams a /summarize reply to its footer, counts a 👍 (double click once), and a changed temperature reaches the next job', async () => {
    expect(await session.page.locator('#test-model').textContent()).toContain('random test model');

    await session.page.click('#load-sample');
    await session.page.waitForFunction(`document.querySelectorAll('.msg').length >= 45`);

    await send('<b>not bold</b> & friends');
    const typed = session.page.locator('.msg:not(.bot) .text', { hasText: 'not bold' });
    await typed.waitFor();
    expect(await typed.textContent()).toBe('<b>not bold</b> & friends');
    expect(await session.page.locator('#messages b').count()).toBe(0);

    await send('/summarize max_new_tokens=300');
    const first = await nextFinal(0);
    expect(first.footer).toMatch(/^summarize · \d+ messages · .*random test model.* · greedy, max 300 tokens$/);
    const states = (await seenMessages(session.page)).filter((m) => m.request).map((m) => `${m.request}:${m.state}`);
    expect(states).toContain(`${first.requestId}:waiting`);
    expect(states).toContain(`${first.requestId}:streaming`);
    expect(states.at(-1)).toBe(`${first.requestId}:done`);

    // 👍 on the answer: confirmed next to the buttons and marked; a double click counts once.
    const answer = session.page.locator(`.msg.bot[data-request="${first.requestId}"]`);
    const up = answer.getByRole('button', { name: 'This answer was useful', exact: true });
    const down = answer.getByRole('button', { name: 'This answer was not useful' });
    const note = answer.locator('.vote-note');
    await up.click();
    await note.filter({ hasText: 'Thanks: your 👍 on this answer is counted.' }).waitFor();
    expect([await up.getAttribute('aria-pressed'), await down.getAttribute('aria-pressed')]).toEqual(['true', 'false']);
    await up.dblclick();
    await note.filter({ hasText: 'You already gave this answer 👍; it is counted once.' }).waitFor();
    const redis = new Redis(REDIS_URL);
    try {
      expect(await new FeedbackStore(redis, prefix).tallies()).toEqual([expect.objectContaining({ platform: 'playground', task: 'summarize', up: 1, down: 0 })]);
    } finally {
      redis.disconnect();
    }

    await session.page.check('input[name="doSample"][value="true"]');
    await session.page.fill('#s-temperature', '1.5');
    expect(await session.page.locator('output[for="s-temperature"]').textContent()).toBe('1.5');
    await session.page.click('#save-settings');
    await session.page.locator('#settings-summary', { hasText: 'temperature 1.5' }).waitFor();

    await send('/summarize');
    const second = await nextFinal(1);
    expect(second.requestId).not.toBe(first.requestId);
    expect(second.footer).toContain('sampling, temperature 1.5');
    expect((await queuedJob(prefix, second.requestId)).generation).toEqual({ doSample: true, temperature: 1.5, maxNewTokens: 128 });

    mkdirSync(`${REPO_ROOT}test-artifacts`, { recursive: true });
    await session.page.screenshot({ path: SCREENSHOT });
    expect(existsSync(SCREENSHOT)).toBe(true);
    // No log line carries message text.
    expect(session.parley.output()).not.toContain('not bold');
    expect(session.parley.output()).not.toContain('billing_backfill_enabled');
  });
});
