import { ESLint } from 'eslint';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const FILE = 'packages/retrieval/src/message-index.ts';

/** Proves the lint step holds retrieval to zod, minisearch and @parley/errors (test/layering.test.ts does the same for the other layers). */
describe('retrieval layer rule in the lint step', () => {
  let eslint: ESLint;
  beforeAll(() => {
    eslint = new ESLint({
      cwd: REPO_ROOT,
      ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports' || ruleId === 'no-restricted-syntax',
      overrideConfig: { files: ['**/*.ts'], languageOptions: { parserOptions: { project: false } } },
    });
  });

  const layerErrors = async (extraLine: string) => {
    const source = `${extraLine}\n${readFileSync(`${REPO_ROOT}${FILE}`, 'utf8')}`;
    const [result] = await eslint.lintText(source, { filePath: `${REPO_ROOT}${FILE}` });
    expect(result!.messages.filter((m) => m.fatal)).toEqual([]);
    return result!.messages.filter((m) => (m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax') && m.severity === 2);
  };

  it.each([
    "import { Redis } from 'ioredis';",
    "import { Queue } from 'bullmq';",
    "import bolt from '@slack/bolt';",
    "import { readFileSync } from 'node:fs';",
    "import ort from 'onnxruntime-node';",
    "import { SETTING_FIELDS } from '@parley/settings';",
    "import { Engine } from '../../engine/src/index.js';",
    "const r = await import('ioredis');",
  ])('refuses: %s', async (line) => {
    const errors = await layerErrors(line);
    expect(errors).toHaveLength(1);
    expect(errors[0]!.line).toBe(1);
  });

  it.each(['', "import { z } from 'zod';", "import MiniSearch from 'minisearch';", "import { ParleyError } from '@parley/errors';"])('allows: %s', async (line) => {
    expect(await layerErrors(line)).toEqual([]);
  });
});
