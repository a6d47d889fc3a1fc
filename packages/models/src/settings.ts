import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { z } from 'zod';
import { ModelsError } from './errors.js';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export interface ModelsSettings {
  /** Where model folders go (absolute). */
  modelsDir: string;
  /** The MODEL_REGISTRY JSON that `pull` keeps up to date (absolute). */
  registryFile: string;
  /** Hub base URL, without a trailing slash. */
  endpoint: string;
  token: string | undefined;
}

const schema = z.object({
  MODELS_DIR: z.string().min(1).default('./models'),
  MODEL_REGISTRY: z.string().min(1).optional(),
  HF_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  HF_TOKEN: z.string().optional(),
});

/** Reads the settings from the environment; relative paths are relative to `cwd`. */
export function settingsFromEnv(env: NodeJS.ProcessEnv, cwd: string): ModelsSettings {
  const parsed = schema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ModelsError('BAD_SETTING', `${String(issue.path[0])} is invalid (${issue.message}).`);
  }
  const { MODELS_DIR, MODEL_REGISTRY, HF_ENDPOINT, HF_TOKEN } = parsed.data;
  const modelsDir = isAbsolute(MODELS_DIR) ? MODELS_DIR : resolve(cwd, MODELS_DIR);
  return {
    modelsDir,
    registryFile: MODEL_REGISTRY ? resolve(cwd, MODEL_REGISTRY) : join(modelsDir, 'registry.json'),
    endpoint: (HF_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, ''),
    token: HF_TOKEN?.trim() || undefined,
  };
}

/**
 * The models a worker started to try Parley (`npm start`, `npm run demo`) runs: MODEL_DIR or
 * MODEL_REGISTRY when set, else the registry `pull` and `import` write (MODELS_DIR/registry.json,
 * relative to `cwd`) when there is one; undefined when there is none.
 */
export function configuredModels(env: NodeJS.ProcessEnv, cwd: string): { MODEL_DIR: string } | { MODEL_REGISTRY: string } | undefined {
  if (env['MODEL_DIR']) return { MODEL_DIR: env['MODEL_DIR'] };
  if (env['MODEL_REGISTRY']) return { MODEL_REGISTRY: env['MODEL_REGISTRY'] };
  const { registryFile } = settingsFromEnv(env, cwd);
  return existsSync(registryFile) ? { MODEL_REGISTRY: registryFile } : undefined;
}
