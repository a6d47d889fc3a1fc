import { TASKS } from '@parley/jobs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ModelsError } from '../src/errors.js';
import { formatBytes } from '../src/format.js';
import { listInstalled } from '../src/installed.js';
import { parseMeasured, readMeasured, recommendText, type Measured } from '../src/recommend.js';
import { runCli } from '../src/run-cli.js';
import { settingsFromEnv } from '../src/settings.js';

const task = (over: Partial<Measured['tasks'][number]> & Pick<Measured['tasks'][number], 'task' | 'model' | 'repo'>): Measured['tasks'][number] => ({
  dtype: 'fp32',
  downloadBytes: 376_200_000,
  resident: { afterLoadBytes: 560_000_000, afterRunBytes: 612_000_000, peakBytes: 700_000_000 },
  unit: '50-message summary',
  unitDetail: 'map-reduce',
  seconds: 9.84,
  peer: { seconds: 14.2, ratio: 1.31, comparedWith: 'Parley one at a time' },
  window: { tokens: 512, messages: 17, note: 'the first 17 of the 50 messages fit one prompt' },
  ...over,
});

const SAMPLE = {
  version: 1,
  label: 'random weights at the real dimensions',
  measuredWith: 'npm run bench:models',
  date: '2026-01-02',
  machine: { cpu: 'AMD EPYC', cores: 2, memoryGiB: 24, node: 'v20.20.2' },
  onnxruntimeNode: '1.30.0',
  peer: '@huggingface/transformers 4.3.1',
  charsPerToken: 4,
  tasks: [
    task({ task: 'summarize', model: 'flan-t5-small', repo: 'Xenova/flan-t5-small' }),
    task({
      task: 'entities',
      model: 'bert-base-ner',
      repo: 'Xenova/bert-base-NER',
      downloadBytes: 431_000_000,
      seconds: 3.21,
      unit: '50 messages',
      window: { tokens: 512, messages: null, note: 'each message on its own' },
    }),
    task({
      task: 'ask',
      model: 'qwen2.5-0.5b-instruct',
      repo: 'onnx-community/Qwen2.5-0.5B-Instruct',
      downloadBytes: 1_976_000_000,
      seconds: 41.05,
      unit: 'question over 50 messages',
      window: { tokens: 32640, messages: 1190, note: 'all 50 fit' },
    }),
  ],
  omitted: [],
} satisfies Measured;

class Capture {
  text = '';
  isTTY = false;
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

/** The lines of a task: the table rows that start with a task name. */
const taskLines = (text: string) => text.split('\n').filter((line) => (TASKS as readonly string[]).some((t) => line.startsWith(`${t} `)));

describe('models recommend', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'parley-recommend-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('prints one line per task with the figures from the measured data, under a heading saying how they were measured', () => {
    const text = recommendText(parseMeasured(SAMPLE), []);
    const [heading] = text.split('\n');
    expect(heading).toContain('measured with npm run bench:models on random weights at the real dimensions');
    expect(heading).toContain('2-core AMD EPYC, 2026-01-02, onnxruntime-node 1.30.0');
    const lines = taskLines(text);
    expect(lines).toHaveLength(SAMPLE.tasks.length);
    SAMPLE.tasks.forEach((t, i) => {
      const line = lines[i]!;
      expect(line.startsWith(`${t.task} `)).toBe(true);
      expect(line).toContain(t.model);
      expect(line).toContain(formatBytes(t.downloadBytes));
      expect(line).toContain(formatBytes(t.resident.afterRunBytes));
      expect(line).toContain(`${t.seconds.toFixed(1)} s per ${t.unit}`);
    });
    expect(lines[0]).toContain('512 tokens ≈ 17 messages');
    expect(lines[1]).toContain('512 tokens, one message at a time');
    expect(lines[2]).toContain('32640 tokens ≈ 1190 messages');
  });

  it('reads the committed packages/models/data/measured.json: a line for each task the worker serves', async () => {
    const measured = await readMeasured();
    expect(measured.label).toBe('random weights at the real dimensions');
    const lines = taskLines(recommendText(measured, []));
    expect(lines).toHaveLength(measured.tasks.length);
    expect([...measured.tasks.map((t) => t.task), ...measured.omitted.map((o) => o.task)].sort()).toEqual([...TASKS].sort());
    expect(measured.tasks.find((t) => t.task === 'summarize')?.model).toBe('flan-t5-small');
  });

  it('fails with one clear line naming the file and the field when the data is malformed', async () => {
    const bad = { ...SAMPLE, tasks: [{ ...SAMPLE.tasks[0], seconds: 'fast' }] };
    let caught: unknown;
    try {
      parseMeasured(bad, '/data/measured.json');
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ModelsError);
    expect((caught as ModelsError).code).toBe('BAD_FILE');
    expect((caught as ModelsError).message).toMatch(/^\/data\/measured\.json is malformed at tasks\.0\.seconds: .+\. Run npm run bench:models to write it again\.$/);
    expect((caught as ModelsError).message).not.toContain('\n');

    expect(() => parseMeasured({ ...SAMPLE, tasks: [] }, 'm.json')).toThrow(/^m\.json is malformed at tasks: /);
    expect(() => parseMeasured({ ...SAMPLE, version: 2 }, 'm.json')).toThrow(/^m\.json is malformed at version: /);

    const notJson = join(dir, 'measured.json');
    await writeFile(notJson, '{ "version": 1, ');
    await expect(readMeasured(notJson)).rejects.toThrow(new RegExp(`^${notJson.replaceAll('.', '\\.')} is not valid JSON \\(.+\\)\\. Run npm run bench:models`));
    await expect(readMeasured(join(dir, 'missing.json'))).rejects.toThrow(/missing\.json cannot be read \(ENOENT\)\. Run npm run bench:models to write it\.$/);
  });

  it('marks the models that are installed, and says how to pull the others', async () => {
    const models = join(dir, 'models');
    await mkdir(join(models, 'flan-t5-small'), { recursive: true });
    await writeFile(join(models, 'flan-t5-small', 'config.json'), '{"model_type":"t5"}');
    // A download that stopped part-way is not installed.
    await mkdir(join(models, 'bert-base-ner', 'onnx'), { recursive: true });
    await writeFile(join(models, 'bert-base-ner', 'config.json'), '{"model_type":"bert"}');
    await writeFile(join(models, 'bert-base-ner', 'onnx', 'model.onnx.part'), 'partial');
    const installed = await listInstalled(settingsFromEnv({ MODELS_DIR: models }, dir));
    const lines = taskLines(recommendText(parseMeasured(SAMPLE), installed));
    expect(lines[0]).toMatch(/flan-t5-small .* installed$/);
    expect(lines[1]).toMatch(/bert-base-ner .* no \(npm run models -- pull bert-base-ner\)$/);
    expect(lines[2]).toMatch(/no \(npm run models -- pull qwen2\.5-0\.5b-instruct\)$/);
  });

  it('is a models command: `recommend` prints the table, `recommend x` is a usage error', async () => {
    const run = async (...argv: string[]) => {
      const stdout = new Capture();
      const stderr = new Capture();
      const code = await runCli(argv, { stdout, stderr, env: { MODELS_DIR: join(dir, 'models') }, cwd: dir });
      return { code, stdout: stdout.text, stderr: stderr.text };
    };
    const ok = await run('recommend');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^Recommended models, measured with npm run bench:models on random weights at the real dimensions/);
    expect(taskLines(ok.stdout).length).toBeGreaterThan(0);
    const bad = await run('recommend', 'now');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^models: recommend takes no arguments\./);
    expect((await run('help')).stdout).toContain('  recommend\n');
  });
});
