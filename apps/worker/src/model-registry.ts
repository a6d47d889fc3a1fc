import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ConfigError } from '@parley/service-kit';
import { z } from 'zod';

/** Tasks a worker can serve. */
export type RegistryTask = 'summarize' | 'translate' | 'entities' | 'ask';

const modelSchema = z.object({
  /** Folder of a Hugging Face ONNX export; relative paths are relative to the registry file. */
  path: z.string().min(1),
  dtype: z.enum(['fp32', 'fp16', 'q8']).optional(),
  /** Generation defaults for this model (the request's settings win). */
  defaults: z.object({ maxNewTokens: z.number().int().min(1).max(4096).optional() }).optional(),
});

const schema = z.object({
  models: z.record(z.string(), modelSchema),
  tasks: z.object({
    summarize: z.string().optional(),
    ask: z.string().optional(),
    entities: z.string().optional(),
    /** By language pair: "en-de" → model; "*-de" or "*" for any source or any pair. */
    translate: z.record(z.string(), z.string()).optional(),
  }),
});

export type ModelEntry = z.infer<typeof modelSchema> & { name: string };

/** Raised when no model serves a request: the user is told which task or language pair is missing. */
export class NoModelError extends Error {
  readonly code = 'NO_MODEL';
  constructor(
    readonly what: string,
    readonly userMessage: string,
  ) {
    super(`no model serves ${what}`);
  }
}

/**
 * Which model folder serves which task (and, for translation, which language pair). Read from a
 * JSON file (MODEL_REGISTRY), or made from MODEL_DIR alone: one model for every generative task.
 */
export class ModelRegistry {
  private constructor(
    readonly models: ModelEntry[],
    private readonly tasks: z.infer<typeof schema>['tasks'],
  ) {}

  static fromFile(path: string): ModelRegistry {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      throw new ConfigError(`MODEL_REGISTRY ${path} cannot be read as JSON: ${(err as Error).message}`);
    }
    const parsed = schema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`MODEL_REGISTRY ${path}: ${issue.path.join('.')} ${issue.message}`);
    }
    const base = dirname(path);
    const models = Object.entries(parsed.data.models).map(([name, m]) => ({ ...m, name, path: isAbsolute(m.path) ? m.path : resolve(base, m.path) }));
    const registry = new ModelRegistry(models, parsed.data.tasks);
    for (const name of registry.referencedNames()) {
      if (!models.some((m) => m.name === name)) throw new ConfigError(`MODEL_REGISTRY ${path}: task refers to unknown model "${name}"`);
    }
    return registry;
  }

  static single(path: string): ModelRegistry {
    return new ModelRegistry([{ name: 'default', path }], { summarize: 'default', ask: 'default', translate: { '*': 'default' } });
  }

  /** The model for a task; for translation, for the pair `source-target`. */
  modelFor(task: RegistryTask, pair?: { source: string; target: string; targetName: string }): ModelEntry {
    let name: string | undefined;
    if (task === 'translate') {
      const t = this.tasks.translate ?? {};
      name = pair && (t[`${pair.source}-${pair.target}`] ?? t[`*-${pair.target}`] ?? t['*']);
      if (!name) {
        const what = pair ? `translation into ${pair.targetName}` : 'translation';
        throw new NoModelError(`translate ${pair?.source ?? '?'}-${pair?.target ?? '?'}`, `No model is set up for ${what}. Ask an admin to add one.`);
      }
    } else {
      name = this.tasks[task];
      if (!name) throw new NoModelError(task, `No model is set up for ${task}. Ask an admin to add one.`);
    }
    return this.models.find((m) => m.name === name)!;
  }

  private referencedNames(): string[] {
    const { translate, ...rest } = this.tasks;
    return [...Object.values(rest), ...Object.values(translate ?? {})].filter((n): n is string => typeof n === 'string');
  }
}
