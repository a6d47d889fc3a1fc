import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { SETTING_RANGES } from '@parley/settings';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/paths.js';
import { uniquePrefix } from '../helpers/redis.js';
import { CHROMIUM, haveChromium, playgroundInBrowser, seenMessages } from '../helpers/start-parley.js';

const SHOTS = `${REPO_ROOT}test-artifacts/first-hour`;
if (!haveChromium) console.warn(`[first-hour] skipped: ${CHROMIUM} is absent; install it with scripts/install-test-tools.sh (README, setup)`);

/** A bot message as the page shows it. */
interface Shown {
  id: string;
  state: string | undefined;
  text: string;
  footer: string;
  private: boolean;
  /** Whether any of it is inside the visible part of the message list. */
  inView: boolean;
}

/**
 * A newcomer's first hour in the playground, in one browser session on `npm start` with no model
 * configured: the sample, each command, the settings panel, a thread reply and its summary. Every
 * stage leaves a screenshot in test-artifacts/first-hour/.
 */
describe.skipIf(!haveChromium)(`the first hour in the playground (headless ${CHROMIUM})`, () => {
  const prefix = uniquePrefix('first-hour');
  let stage = 0;
  const session = playgroundInBrowser(prefix, () => {
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
  });

  const shot = async (name: string) => {
    stage++;
    const path = `${SHOTS}/${String(stage).padStart(2, '0')}-${name}.png`;
    await session.page.screenshot({ path });
    expect(existsSync(path)).toBe(true);
  };

  const botIds = async () => (await session.page.$$eval('.msg.bot', (nodes) => nodes.map((n) => (n as unknown as { dataset: { id: string } }).dataset.id))) as string[];

  const read = async (id: string): Promise<Shown> =>
    (await session.page.evaluate(`(() => {
      const m = document.querySelector('.msg[data-id="${id}"]');
      const list = document.getElementById('messages').getBoundingClientRect();
      const box = m.getBoundingClientRect();
      return {
        id: m.dataset.id,
        state: m.dataset.state,
        text: m.querySelector('.text').textContent,
        footer: [...m.querySelectorAll('.footer:not(.private)')].map((f) => f.textContent).join(' '),
        private: !!m.querySelector('.footer.private'),
        inView: box.bottom > list.top && box.top < list.bottom,
      };
    })()`)) as Shown;

  /** Types a line as a user does and returns the bot's answer once it is final (or, with `final: false`, as soon as it appears). */
  const ask = async (line: string, opts: { final?: boolean } = {}): Promise<Shown> => {
    const before = new Set(await botIds());
    await session.page.fill('#text', line);
    await session.page.press('#text', 'Enter');
    let id: string | undefined;
    await expect.poll(async () => (id = (await botIds()).find((i) => !before.has(i))), { timeout: 30_000, message: `an answer to ${line}` }).toBeDefined();
    if (opts.final !== false) {
      await session.page.waitForSelector(`.msg[data-id="${id}"][data-state="done"], .msg[data-id="${id}"][data-state="failed"]`, { timeout: 90_000 });
    }
    return read(id!);
  };

  /** What a reply said while it waited for a worker. */
  const waitingText = async (id: string) => (await seenMessages(session.page)).find((s) => s.id === id && s.state === 'waiting')?.text;

  it('walks the first hour: sample, every command, the settings panel, a thread and its summary', async () => {
    // 1. The page says plainly that the model is the random test model.
    expect(await session.page.locator('#test-model').textContent()).toContain('random test model');
    // …and what to do for real answers.
    expect(await session.page.locator('#test-model').textContent()).toContain('npm run models -- pull flan-t5-small');
    await shot('start');

    // 2. The sample: a 45-message thread.
    await session.page.click('#load-sample');
    await session.page.waitForFunction(`document.querySelectorAll('.msg').length >= 45`);
    await shot('sample-loaded');

    // 3. Each command answers, with a footer naming what it did.
    const summary = await ask('/summarize');
    expect(await waitingText(summary.id)).toBe('⏳ Summarizing 45 messages…');
    expect(summary.state).toBe('done');
    expect(summary.footer).toMatch(/^summarize · (45 messages|last \d+ of 45 messages \(the rest did not fit the model\)) · .*random test model/);
    await shot('summarize');

    const translated = await ask('/translate German Good morning, team!');
    expect(translated.state).toBe('done');
    expect(translated.footer).toMatch(/^translated to German · 1 message · /);
    await shot('translate');

    // The default set-up has no token classifier: entities come from the model's prompt and the patterns, and the footer says so.
    const entities = await ask('/entities Maya meets Omar in Berlin on Friday to sign the $300 order');
    expect(entities.state).toBe('done');
    expect(entities.text).not.toContain('No model');
    expect(entities.text).toMatch(/DATE: .*Friday/);
    expect(entities.text).toMatch(/AMOUNT: .*\$300/);
    expect(entities.footer).toMatch(/^entities \(generative prompt \+ date\/amount patterns\) · 1 message · /);
    await shot('entities');

    const answer = await ask('/ask who owns the invoices migration?');
    expect(answer.state).toBe('done');
    expect(answer.footer).toMatch(/^ask · /);
    await shot('ask');

    // A mention is a request too.
    const mentioned = await ask('@Parley summarize');
    expect(mentioned.state).toBe('done');
    expect(mentioned.footer).toMatch(/^summarize · /);
    await shot('mention');

    // `private` works on any command, as the README says.
    const privateSummary = await ask('/summarize private');
    expect(privateSummary).toMatchObject({ state: 'done', private: true });
    expect(privateSummary.text).not.toContain("don't understand");
    const privateTranslation = await ask('/translate private German See you tomorrow');
    expect(privateTranslation).toMatchObject({ state: 'done', private: true });
    await shot('private');

    // Help shows commands as code, not as literal backticks.
    const help = await ask('/help');
    expect(help.text).toContain('/summarize [last N | since 2h]');
    expect(help.text).not.toContain('`');
    expect(await session.page.locator(`.msg[data-id="${help.id}"] .text code`).count()).toBeGreaterThan(5);
    await shot('help');

    // A sampling-only setting under greedy: echoed, and said to change nothing until `sample`.
    const saved = await ask('/genconfig set temperature=2.5');
    expect(saved.text).toContain('Saved: temperature unset → 2.5. Settings here now: greedy, max 128 tokens.');
    expect(saved.text).toContain('This channel decodes greedily, so temperature changes nothing until you add sample.');
    // The panel follows a typed /genconfig.
    await session.page.locator('#settings-summary', { hasText: 'Now: greedy, max 128 tokens' }).waitFor();
    expect(await session.page.inputValue('#s-temperature')).toBe('2.5');
    expect(await session.page.locator('output[for="s-temperature"]').textContent()).toBe('2.5');
    await shot('genconfig-greedy');
    await ask('/genconfig reset');
    await expect.poll(() => session.page.inputValue('#s-temperature')).toBe('1');

    // 4. Commands and Parley's own replies do not fill the window: after 25 more, the sample is still what is read.
    for (let i = 0; i < 25; i++) await ask('/genconfig show');
    const again = await ask('/summarize', { final: false });
    await expect.poll(() => waitingText(again.id)).toBe('⏳ Summarizing 45 messages…');
    const lastTen = await ask('/summarize last 10');
    expect(lastTen.text).not.toContain('There are no messages');
    expect(await waitingText(lastTen.id)).toBe('⏳ Summarizing 45 messages…');
    expect(lastTen.state).toBe('done');
    await shot('window-after-many-commands');

    // 5. The settings panel: the same bounds as the command, a label that follows the field, the same word on greedy.
    expect(await session.page.getAttribute('#s-temperature', 'max')).toBe(String(SETTING_RANGES.temperature.max));
    await session.page.fill('#s-temperature', '2.5');
    expect(await session.page.locator('output[for="s-temperature"]').textContent()).toBe('2.5');
    await session.page.click('#save-settings');
    await session.page.locator('#settings-note', { hasText: 'temperature changes nothing until you add sample' }).waitFor();
    await shot('settings-greedy-note');
    await session.page.check('input[name="doSample"][value="true"]');
    await session.page.click('#save-settings');
    await session.page.locator('#settings-summary', { hasText: 'sampling, temperature 2.5' }).waitFor();
    expect(await session.page.isHidden('#settings-note')).toBe(true);
    await shot('settings-sampling');

    // 6. Reply in thread: the chip names the thread, the view stays on it, and its summary is in sight.
    const sampleTop = session.page.locator('.top').first();
    await sampleTop.locator('.reply-in-thread').click();
    expect(await session.page.locator('#thread-chip').isVisible()).toBe(true);
    expect(await session.page.locator('#thread-name').textContent()).toBe('Maya: Release 3.2 planning thread: we are aiming to…');
    expect(await sampleTop.getAttribute('class')).toContain('active-thread');
    await session.page.fill('#text', 'Who is on call for the invoices migration?');
    await session.page.press('#text', 'Enter');
    const typed = session.page.locator('.top.active-thread .replies .msg:not(.bot)', { hasText: 'Who is on call for the invoices migration?' });
    await typed.waitFor();
    expect((await read((await typed.getAttribute('data-id'))!)).inView).toBe(true);
    await shot('thread-reply');

    const threadSummary = await ask('/summarize');
    expect(await session.page.locator(`.top.active-thread .replies .msg[data-id="${threadSummary.id}"]`).count()).toBe(1);
    expect(await waitingText(threadSummary.id)).toBe('⏳ Summarizing 46 messages…');
    expect(threadSummary.state).toBe('done');
    expect(threadSummary.inView).toBe(true);
    expect(threadSummary.footer).toMatch(/^summarize · (46 messages|last \d+ of 46 messages \(the rest did not fit the model\)) · .*sampling, temperature 2\.5/);
    await shot('thread-summary');

    // Leaving the thread clears the chip and the mark.
    await session.page.click('#leave-thread');
    expect(await session.page.locator('#thread-chip').isHidden()).toBe(true);
    expect(await session.page.locator('.top.active-thread').count()).toBe(0);

    // In the channel, the user's own line and its answer come into view even when the reader had scrolled up.
    await session.page.evaluate(`document.getElementById('messages').scrollTop = 0`);
    const afterScroll = await ask('/translate German Thanks, everyone');
    expect(afterScroll.inView).toBe(true);
    await shot('own-request-in-view');

    // No log line carries message text.
    expect(session.parley.output()).not.toContain('invoices migration');
    expect(session.parley.output()).not.toContain('Good morning, team');
  });
});
