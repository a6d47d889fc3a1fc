import { Engine } from '@parley/engine';
import { defangMentions } from '@parley/prompts';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SAMPLE_THREAD } from '../apps/demo/src/sample-thread.js';
import { summaryPrompts } from '../apps/worker/src/tasks/summary-prompts.js';
import { AppProcess } from './helpers/app-process.js';
import { MODEL_CACHE } from './helpers/paths.js';
import { REDIS_URL } from './helpers/redis.js';

describe('the demo app (what `npm run demo` runs after building)', () => {
  it('builds the test model with a warning, and prints the thread and the reply the worker generated', async () => {
    // An empty MODELS_DIR: nothing installed, whatever this checkout's ./models holds.
    const demo = new AppProcess('demo', { REDIS_URL, MODELS_DIR: mkdtempSync(join(tmpdir(), 'parley-demo-none-')) });
    expect(await demo.exited).toBe(0);
    const stdout = demo.logs.map((l) => l.msg ?? '').join('\n');
    expect(demo.stderr).toMatch(/WARNING: no model is set up.*tiny random-weight test model.*npm run models -- pull flan-t5-small/s);
    for (const m of SAMPLE_THREAD) expect(stdout).toContain(`${m.author}: ${m.text}`);

    const engine = await Engine.start(await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE }), { intraOpThreads: 1 });
    const expected = await engine.generate(summaryPrompts.thread(engine, SAMPLE_THREAD).text, { maxNewTokens: 48 });
    await engine.close();
    expect(stdout).toContain(`Reply from the worker:\n  ${defangMentions(expected.text)}\n`);
    expect(stdout).toMatch(/random test model.*max_new_tokens=48 · 6 of 6 messages/);
  });

  it('uses the models `npm run models` installed (MODELS_DIR/registry.json), as npm start does', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-demo-models-'));
    const model = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    writeFileSync(join(dir, 'registry.json'), JSON.stringify({ models: { installed: { path: model } }, tasks: { summarize: 'installed' } }));
    const demo = new AppProcess('demo', { REDIS_URL, MODELS_DIR: dir });
    expect(await demo.exited).toBe(0);
    expect(demo.stderr).not.toContain('WARNING');
    expect(demo.logs.map((l) => l.msg ?? '').join('\n')).toMatch(/model installed/);
  });
});
