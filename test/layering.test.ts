import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './helpers/paths.js';

/**
 * Proves the lint step fails the build on a layer violation: each case lints a real source file
 * with one import added, through the repository's own ESLint config.
 */
const VIOLATIONS: [file: string, importLine: string][] = [
  ['packages/engine/src/errors.ts', "import { Queue } from 'bullmq';"],
  ['packages/engine/src/errors.ts', "import { Redis } from 'ioredis';"],
  ['packages/engine/src/errors.ts', "import bolt from '@slack/bolt';"],
  ['packages/engine/src/errors.ts', "import { Client } from 'discord.js';"],
  ['packages/engine/src/errors.ts', "import { renderSummarizePrompt } from '@parley/prompts';"],
  ['packages/engine/src/errors.ts', "import { loadConfig } from '../../../apps/worker/src/config.js';"],
  ['packages/prompts/src/fence.ts', "import ort from 'onnxruntime-node';"],
  ['packages/prompts/src/fence.ts', "import { readFileSync } from 'node:fs';"],
  ['packages/prompts/src/fence.ts', "import { asEngineError } from '../../engine/src/errors.js';"],
  ['packages/prompts/src/fence.ts', "import { Engine } from '../../engine/dist/index.js';"],
  ['packages/jobs/src/queues.ts', "import { Queue } from 'bullmq';"],
  ['packages/settings/src/presets.ts', "import { Redis } from 'ioredis';"],
  ['packages/settings/src/presets.ts', "import { readFileSync } from 'node:fs';"],
  ['packages/settings/src/presets.ts', "import { Engine } from '@parley/engine';"],
  ['apps/bot/src/config.ts', "import { Engine } from '@parley/engine';"],
  ['apps/bot/src/config.ts', "import ort from 'onnxruntime-node';"],
  ['apps/bot/src/config.ts', "import { createProcessor } from '../../worker/src/processor.js';"],
  ['apps/worker/src/config.ts', "import bolt from '@slack/bolt';"],
  ['packages/models/src/pull.ts', "import ort from 'onnxruntime-node';"],
  ['packages/models/src/pull.ts', "import { ModelRegistry } from '@parley/worker';"],
  ['packages/models/src/pull.ts', "import { ModelRegistry } from '../../../apps/worker/src/model-registry.js';"],
  ['packages/engine/src/errors.ts', "const q = await import('bullmq');"],
  ['packages/errors/src/coded-error.ts', "import { z } from 'zod';"],
  // Chat adapters reach the queue only through the request pipeline and the reply consumer.
  ['apps/bot/src/slack/commands/task-commands.ts', "import { Queue } from 'bullmq';"],
  ['apps/bot/src/slack/commands/task-commands.ts', "import { Intake } from '../../core/intake.js';"],
  ['apps/bot/src/discord/interactions.ts', "import { Queue } from 'bullmq';"],
  ['apps/bot/src/discord/interactions.ts', "import type { Intake } from '../core/intake.js';"],
  ['apps/bot/src/playground/service.ts', "import { Worker } from 'bullmq';"],
  ['apps/bot/src/playground/service.ts', "import { Intake } from '../core/intake';"],
  ['apps/bot/src/slack/replies/slack-delivery.ts', "import ort from 'onnxruntime-node';"],
  ['packages/errors/src/coded-error.ts', "import { SETTING_RANGES } from '@parley/settings';"],
  ['packages/jobs/src/queues.ts', "import { renderSummarizePrompt } from '@parley/prompts';"],
  ['packages/settings/src/presets.ts', "import { LIMITS } from '@parley/jobs';"],
  // Inside the engine only models/session.ts imports onnxruntime; the others take Tensor and the session types from it.
  ['packages/engine/src/models/kv-cache.ts', "import ort from 'onnxruntime-node';"],
  ['packages/engine/src/models/tensors.ts', "import { Tensor } from 'onnxruntime-common';"],
  ['packages/engine/src/models/causal-lm.ts', "export { Tensor } from 'onnxruntime-node';"],
  ['packages/engine/src/generation/batcher.ts', "import type { InferenceSession } from 'onnxruntime-node';"],
  ['packages/engine/src/errors.ts', "import ort from 'onnxruntime-node';"],
  // session.ts keeps the rest of the engine's layer rule.
  ['packages/engine/src/models/session.ts', "import { Queue } from 'bullmq';"],
  ['packages/engine/src/models/session.ts', "import { renderSummarizePrompt } from '@parley/prompts';"],
  ['packages/engine/src/models/session.ts', "const q = await import('bullmq');"],
  // Generation depends on models, never the reverse.
  ['packages/engine/src/models/load-model.ts', "import type { BatchLimits } from '../generation/batch-limits.js';"],
  ['packages/engine/src/models/session.ts', "import { generate } from '../generation/generate.js';"],
];

describe('layer rules in the lint step', () => {
  let eslint: ESLint;
  beforeAll(() => {
    // Only the layer rule runs, and it needs no type information, so the files are parsed
    // without a TypeScript program (whose cache could otherwise serve the file as it is on disk).
    eslint = new ESLint({
      cwd: REPO_ROOT,
      ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports' || ruleId === 'no-restricted-syntax',
      overrideConfig: { files: ['**/*.ts'], languageOptions: { parserOptions: { project: false } } },
    });
  });

  const layerErrors = async (file: string, extraLine: string) => {
    const source = `${extraLine}\n${readFileSync(`${REPO_ROOT}${file}`, 'utf8')}`;
    const [result] = await eslint.lintText(source, { filePath: `${REPO_ROOT}${file}` });
    expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
    return result!.messages.filter((m) => (m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax') && m.severity === 2);
  };

  it.each(VIOLATIONS)('%s may not contain: %s', async (file, line) => {
    const errors = await layerErrors(file, line);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(1);
  });

  it('allows the imports each layer is meant to have', async () => {
    // The engine's one onnxruntime module, as it is and with one more import of it.
    expect(await layerErrors('packages/engine/src/models/session.ts', '')).toEqual([]);
    expect(await layerErrors('packages/engine/src/models/session.ts', "import * as runtime from 'onnxruntime-common';")).toEqual([]);
    expect(await layerErrors('packages/engine/src/generation/batcher.ts', "import type { Tensor } from '../models/session.js';")).toEqual([]);
    expect(await layerErrors('apps/worker/src/config.ts', "import { Engine } from '@parley/engine';")).toEqual([]);
    expect(await layerErrors('apps/bot/src/config.ts', "import { Queue } from 'bullmq';")).toEqual([]);
    // The bot's core owns the queue: the pipeline submits, the reply consumer consumes; main.ts builds the intake.
    expect(await layerErrors('apps/bot/src/core/request-pipeline.ts', "import { Intake } from './intake.js';")).toEqual([]);
    expect(await layerErrors('apps/bot/src/core/reply-consumer.ts', "import { Queue } from 'bullmq';")).toEqual([]);
    expect(await layerErrors('apps/bot/src/main.ts', "import { Intake } from './core/intake.js';")).toEqual([]);
    expect(await layerErrors('apps/bot/src/slack/commands/task-commands.ts', "import type { RequestPipeline } from '../../core/request-pipeline.js';")).toEqual([]);
    expect(await layerErrors('packages/models/src/pull.ts', "import { z } from 'zod';")).toEqual([]);
    // The error shape is the one Parley package every layer may use; the job contract also reads the settings contract.
    expect(await layerErrors('packages/engine/src/errors.ts', "import { ParleyError } from '@parley/errors';")).toEqual([]);
    expect(await layerErrors('packages/settings/src/presets.ts', "import { ParleyError } from '@parley/errors';")).toEqual([]);
    expect(await layerErrors('packages/prompts/src/fence.ts', "import { ParleyError } from '@parley/errors';")).toEqual([]);
    expect(await layerErrors('packages/jobs/src/queues.ts', "import { SETTING_FIELDS } from '@parley/settings';")).toEqual([]);
  });
});

/** Proves the lint step fails on an import cycle, a type-only one included: each case plants one import that closes a loop. */
describe('import cycles in the lint step', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({
      cwd: REPO_ROOT,
      ruleFilter: ({ ruleId }) => ruleId === 'parley/no-import-cycle',
      overrideConfig: { files: ['**/*.ts'], languageOptions: { parserOptions: { project: false } } },
    });
  });

  const cycleErrors = async (file: string, extraLine: string) => {
    const source = `${extraLine}\n${readFileSync(`${REPO_ROOT}${file}`, 'utf8')}`;
    const [result] = await eslint.lintText(source, { filePath: `${REPO_ROOT}${file}` });
    expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
    return result!.messages.filter((m) => m.ruleId === 'parley/no-import-cycle' && m.severity === 2);
  };

  it.each([
    // index.ts re-exports queues.ts, so queues.ts importing the index closes a loop.
    ['packages/jobs/src/queues.ts', "import { requestJobSchema } from './index.js';", 'queues.ts → index.ts → queues.ts'],
    ['packages/jobs/src/queues.ts', "import type { RequestJob } from './index.js';", 'queues.ts → index.ts → queues.ts'],
    ['packages/settings/src/settings.ts', "export { LAYERS } from './index.js';", 'settings.ts → index.ts → settings.ts'],
  ])('%s may not contain: %s', async (file, line, cycle) => {
    const errors = await cycleErrors(file, line);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(1);
    expect(errors[0]!.message).toContain(cycle);
  });

  it('passes the files as they are', async () => {
    expect(await cycleErrors('packages/jobs/src/queues.ts', '')).toEqual([]);
    expect(await cycleErrors('packages/jobs/src/index.ts', '')).toEqual([]);
  });
});
