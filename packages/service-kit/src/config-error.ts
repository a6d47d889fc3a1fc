import { ParleyError } from '@parley/errors';
import type { z } from 'zod';

/** ConfigError's code. */
export const CONFIG_INVALID = 'CONFIG_INVALID';

/**
 * A setting is missing or wrong; the message says which one and how to fix it. It is for
 * operators, so its user message is the message itself. Permanent: a restart with the same
 * configuration fails the same way.
 */
export class ConfigError extends ParleyError<typeof CONFIG_INVALID> {
  override readonly name = 'ConfigError';

  constructor(message: string, options: ErrorOptions = {}) {
    super(CONFIG_INVALID, message, { permanent: true, message, cause: options.cause });
  }
}

/**
 * Parses `env` with an object schema, turning every problem into one readable sentence. A
 * field's `.describe()` text says how to fix it and is appended to its problem.
 */
export function parseEnv<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = String(issue.path[0] ?? '');
    const hint = (schema.shape[key] as z.ZodType | undefined)?.description;
    const problem = env[key] === undefined || env[key] === '' ? `${key} is not set` : `${key} is invalid (${issue.message})`;
    return hint ? `${problem}; ${hint}` : problem;
  });
  throw new ConfigError(problems.join('. '));
}
