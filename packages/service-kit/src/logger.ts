import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs on stdout. Log ids, counts and codes, never message text: chat content
 * must not end up in log storage.
 */
export function createLogger(app: string, level = process.env['LOG_LEVEL'] ?? 'info'): Logger {
  return pino({ name: app, level, base: { app } });
}
