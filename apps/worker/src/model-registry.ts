import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ParleyError } from '@parley/errors';
import { TASKS, type Task } from '@parley/jobs';
import { modelRegistrySchema, type RegistryModel, type RegistryTasks } from '@parley/models';
import { ConfigError } from '@parley/service-kit';

/** A model the worker loads: its registry name and the fields of its entry the worker reads. */
export type ModelEntry = { name: string } & Pick<RegistryModel, 'path' | 'dtype' | 'defaults'>;

/** Raised when no model serves a request: the user is told which task or language pair is missing. Permanent: the set-up lacks it. */
export class NoModelError extends ParleyError<'NO_MODEL'> {
  override readonly name = 'NoModelError';

  constructor(
    readonly what: string,
    userMessage: string,
  ) {
    super('NO_MODEL', userMessage, { permanent: true, message: `no model serves ${what}` });
  }
}

/**
 * Which model folder serves which task (and, for translation, which language pair). Read from a
 * JSON file (MODEL_REGISTRY, in the format @parley/models declares and `models pull` writes), or
 * made from MODEL_DIR alone: one model for every generative task.
 */
export class ModelRegistry {
  private constructor(
    readonly models: ModelEntry[],
    private readonly tasks: RegistryTasks,
  ) {}

  static fromFile(path: string): ModelRegistry {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(path, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        // The newcomer's case (compose mounts ./models before anything was pulled): say what writes it.
        throw new ConfigError(
          `MODEL_REGISTRY ${path} does not exist: \`npm run models -- pull flan-t5-small\` (or \`npm run models -- import <folder or .tar>\`) writes it, into ./models by default`,
        );
      }
      throw new ConfigError(`MODEL_REGISTRY ${path} cannot be read as JSON: ${(err as Error).message}`);
    }
    const parsed = modelRegistrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ConfigError(`MODEL_REGISTRY ${path}: ${issue.path.join('.')} ${issue.message}`);
    }
    const base = dirname(path);
    const models = Object.entries(parsed.data.models).map(
      ([name, m]): ModelEntry => ({
        name,
        path: isAbsolute(m.path) ? m.path : resolve(base, m.path),
        ...(m.dtype && { dtype: m.dtype }),
        ...(m.defaults && { defaults: m.defaults }),
      }),
    );
    const registry = new ModelRegistry(models, parsed.data.tasks);
    for (const name of registry.referencedNames()) {
      if (!models.some((m) => m.name === name)) throw new ConfigError(`MODEL_REGISTRY ${path}: task refers to unknown model "${name}"`);
    }
    return registry;
  }

  static single(path: string): ModelRegistry {
    // Entities too: a generative model answers the few-shot entities prompt, and the date and amount
    // patterns run whatever the model is, so the default set-up serves every task.
    return new ModelRegistry([{ name: 'default', path }], { summarize: 'default', ask: 'default', entities: 'default', translate: { '*': 'default' } });
  }

  /** The model for a task; for translation, for the pair `source-target`. */
  modelFor(task: Task, pair?: { source: string; target: string; targetName: string }): ModelEntry {
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
    // The tasks the worker serves, not whatever else a hand-edited file holds under `tasks`.
    const named = TASKS.map((task) => (task === 'translate' ? undefined : this.tasks[task]));
    return [...named, ...Object.values(this.tasks.translate ?? {})].filter((n): n is string => typeof n === 'string');
  }
}
