import { Redis } from 'ioredis';
import { ConfigError } from './config-error.js';

/**
 * ioredis options by role. BullMQ workers must block and retry forever
 * (`maxRetriesPerRequest: null`); producers answering a user should fail fast instead of
 * queueing commands while Redis is away.
 */
export interface RoleOptions {
  maxRetriesPerRequest: number | null;
  enableOfflineQueue: boolean;
  connectTimeout: number;
}

export function redisOptions(role: 'consumer' | 'producer'): RoleOptions {
  return role === 'consumer'
    ? { maxRetriesPerRequest: null, enableOfflineQueue: true, connectTimeout: 10_000 }
    : { maxRetriesPerRequest: 1, enableOfflineQueue: false, connectTimeout: 2000 };
}

export function connectRedis(url: string, role: 'consumer' | 'producer'): Redis {
  return new Redis(url, { ...redisOptions(role), lazyConnect: role === 'producer' });
}

/** Fails with a clear ConfigError when no Redis answers at `url`. */
export async function assertRedisReachable(url: string, timeoutMs = 3000): Promise<void> {
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  probe.on('error', () => {});
  try {
    await probe.connect();
    await probe.ping();
  } catch {
    throw new ConfigError(`no Redis answers at ${redactUrl(url)}: start redis-server, or set REDIS_URL`);
  } finally {
    probe.disconnect();
  }
}

/** Hides a password in a redis:// URL before it is printed. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
