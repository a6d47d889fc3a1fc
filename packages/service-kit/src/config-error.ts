import type { z } from 'zod';

/** A setting is missing or wrong; the message says which one and how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
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
