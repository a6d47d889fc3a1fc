// @ts-check
import tseslint from 'typescript-eslint';
import noImportCycle from './scripts/eslint-rules/no-import-cycle.js';

const CHAT_AND_QUEUE = ['bullmq', 'ioredis', '@slack/*', 'discord.js', '@discordjs/*'];
const MODEL_RUNTIME = ['onnxruntime-node', 'onnxruntime-common', 'onnxruntime-web', '@huggingface/transformers'];
const IO = ['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'net', 'node:net', 'http', 'node:http', 'https', 'node:https', 'child_process', 'node:child_process'];
const APPS = ['@parley/bot', '@parley/worker', '@parley/demo'];
// A relative import that leaves its workspace: into apps/, packages/, or another workspace's src or dist.
const CROSS_WORKSPACE = { regex: '(^|/)(apps|packages)/|^(\\.\\./){2,}[^./][^/]*/(src|dist)(/|$)', message: 'Import other workspaces by package name (@parley/…), never by relative path.' };

const ENGINE_WHY = 'The engine knows nothing of chat platforms, queues, Redis or other Parley packages but the error shape.';
const ENGINE_NAMES = [...CHAT_AND_QUEUE, '@parley/*', '!@parley/errors'];
const ENGINE_SESSION = 'packages/engine/src/models/session.ts';
const ONNXRUNTIME_IN_SESSION = {
  group: ['onnxruntime-node', 'onnxruntime-common'],
  message: 'Only packages/engine/src/models/session.ts imports onnxruntime; take Tensor, InferenceSession and SessionOutputs from it.',
};
const MODELS_BEFORE_GENERATION = { regex: '^\\.\\./generation(/|$)', message: 'models/ never imports generation/: generation depends on models, not the reverse.' };

const BOT_WHY = 'The bot never runs a model, and apps never import each other.';
const BOT_NAMES = [...MODEL_RUNTIME, '@parley/engine', '@parley/tiny-models', '@parley/worker', '@parley/demo'];
const CHAT_ADAPTERS = ['apps/bot/src/slack/**', 'apps/bot/src/discord/**', 'apps/bot/src/playground/**'];
const ADAPTERS_NEVER_QUEUE = [
  { group: ['bullmq'], message: 'A chat adapter never touches the queue: it hands a ChatRequest to core/request-pipeline.ts and its replies come from core/reply-consumer.ts.' },
  { regex: '(^|/)core/intake(\\.js)?$', message: 'Only core/request-pipeline.ts submits inference jobs; an adapter hands it a ChatRequest.' },
];

/**
 * The layer rule for one folder: what it must never import, and why. `also` adds patterns with
 * their own message; `ignores` leaves files out (to give them a layer entry of their own: a later
 * entry replaces an earlier one's no-restricted-imports, it does not add to it).
 */
function layer(files, why, names, { also = [], ignores = [] } = {}) {
  return {
    files,
    ...(ignores.length > 0 && { ignores }),
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: names, message: why }, ...also, CROSS_WORKSPACE] }],
      // A dynamic import() would slip past the rule above; the layered packages need none.
      ...(files.some((f) => f.startsWith('packages/')) && {
        'no-restricted-syntax': ['error', { selector: 'ImportExpression', message: `${why} (no dynamic import() in packages)` }],
      }),
    },
  };
}

export default tseslint.config(
  { ignores: ['**/dist/**', '**/node_modules/**', '.cache/**', '.build/**', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    languageOptions: {
      parserOptions: {
        project: ['./packages/*/tsconfig.json', './apps/*/tsconfig.json', './tsconfig.test.json', './bench/tsconfig.json', './bench/discord/tsconfig.json', './scripts/tsconfig.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { parley: { rules: { 'no-import-cycle': noImportCycle } } },
    rules: {
      'parley/no-import-cycle': 'error',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  // Layers: apps → packages, never the reverse; the engine knows no chat, queue or Redis code;
  // prompts know no model runtime and do no I/O; the job contract and settings depend on zod alone.
  layer(['packages/errors/**'], 'The error shape depends on nothing.', [...MODEL_RUNTIME, ...CHAT_AND_QUEUE, ...IO, '@parley/*', 'zod']),
  // The engine, in three disjoint parts that each carry its whole layer rule: models/session.ts is
  // the one file that may import onnxruntime, and models/ never imports generation/.
  layer(['packages/engine/**'], ENGINE_WHY, ENGINE_NAMES, { ignores: ['packages/engine/src/models/**'], also: [ONNXRUNTIME_IN_SESSION] }),
  layer(['packages/engine/src/models/**'], ENGINE_WHY, ENGINE_NAMES, { ignores: [ENGINE_SESSION], also: [ONNXRUNTIME_IN_SESSION, MODELS_BEFORE_GENERATION] }),
  layer([ENGINE_SESSION], ENGINE_WHY, ENGINE_NAMES, { also: [MODELS_BEFORE_GENERATION] }),
  layer(['packages/prompts/**'], 'Prompts are pure: no model runtime, no I/O, no queues or chat code.', [
    ...MODEL_RUNTIME,
    ...CHAT_AND_QUEUE,
    ...IO,
    '@parley/*',
    '!@parley/errors',
  ]),
  layer(['packages/jobs/**'], 'The job contract depends on zod, the settings contract and the error shape only.', [
    ...MODEL_RUNTIME,
    ...CHAT_AND_QUEUE,
    ...IO,
    '@parley/*',
    '!@parley/settings',
    '!@parley/errors',
  ]),
  layer(['packages/settings/**'], 'Settings are pure and depend on zod and the error shape only: no model runtime, chat, queue or I/O code.', [
    ...MODEL_RUNTIME,
    ...CHAT_AND_QUEUE,
    ...IO,
    '@parley/*',
    '!@parley/errors',
  ]),
  layer(['packages/retrieval/**'], 'Retrieval is pure and depends on zod, minisearch and the error shape only: no model runtime, chat, queue, Redis or I/O code.', [
    ...MODEL_RUNTIME,
    ...CHAT_AND_QUEUE,
    ...IO,
    '@parley/*',
    '!@parley/errors',
  ]),
  layer(['packages/tiny-models/**', 'packages/service-kit/**'], 'Packages never import apps.', [...APPS]),
  layer(['packages/models/**'], 'The model downloader only moves files: no model runtime, chat or queue code, and packages never import apps.', [
    ...MODEL_RUNTIME,
    ...CHAT_AND_QUEUE,
    ...APPS,
  ]),
  layer(['apps/bot/**'], BOT_WHY, BOT_NAMES, { ignores: CHAT_ADAPTERS }),
  // Chat adapters translate; only core/request-pipeline.ts submits inference jobs, and only core/ talks to BullMQ.
  layer(CHAT_ADAPTERS, BOT_WHY, BOT_NAMES, { also: ADAPTERS_NEVER_QUEUE }),
  layer(['apps/worker/**'], 'Apps never import each other, and the worker holds no chat client.', [
    '@slack/*',
    'discord.js',
    '@discordjs/*',
    '@parley/bot',
    '@parley/demo',
  ]),
  layer(['apps/demo/**'], 'Apps never import each other.', ['@parley/bot', '@parley/worker', ...MODEL_RUNTIME]),
  {
    files: ['**/test/**', 'test/**', 'vitest.config.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
