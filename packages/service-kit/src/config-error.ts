import type { z } from 'zod';

/** A setting is missing or wrong; the message says which one and how to fix it. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Parses `env` with `schema`, turning every problem into one readable sentence. */
export function parseEnv<S extends z.ZodType>(schema: S, env: NodeJS.ProcessEnv): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const key = issue.path.join('.');
    return issue.code === 'invalid_type' && env[key] === undefined ? `${key} is not set` : `${key}: ${issue.message}`;
  });
  throw new ConfigError(problems.join('; '));
}
