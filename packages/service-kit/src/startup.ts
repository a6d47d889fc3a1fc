import { CONFIG_INVALID } from './config-error.js';

/**
 * Ends a process that cannot start, with one line an operator can act on (no stack trace).
 * Errors with a code (e.g. an EngineError) show it, for searching the docs and logs; a
 * ConfigError does not: its message already names the setting to fix.
 */
export function exitOnStartupFailure(app: string, err: unknown): never {
  const code = typeof err === 'object' && err !== null && 'code' in err && err.code !== CONFIG_INVALID ? ` [${String(err.code)}]` : '';
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`${app}: cannot start${code}: ${message}\n`);
  process.exit(1);
}
