import type { Logger } from '@parley/service-kit';
import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';

/**
 * Routes Bolt's own logging into pino at warn level and above. Debug and info are dropped
 * because Bolt prints request payloads there, and message text must not be logged.
 */
export function boltLogger(log: Logger): BoltLogger {
  const text = (parts: unknown[]) =>
    parts
      .map((p) => (p instanceof Error ? `${p.name}: ${p.message}` : String(p)))
      .join(' ')
      .slice(0, 300);
  return {
    debug: () => {},
    info: () => {},
    warn: (...parts) => log.warn({ source: 'bolt' }, text(parts)),
    error: (...parts) => log.error({ source: 'bolt' }, text(parts)),
    setLevel: () => {},
    getLevel: () => LogLevel.WARN,
    setName: () => {},
  };
}
