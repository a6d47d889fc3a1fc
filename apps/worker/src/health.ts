import type { Worker } from 'bullmq';
import type { EnginePool } from './engine-pool.js';
import { withTimeout } from './timeout.js';

/** Null when the worker can take jobs: it runs, its Redis connections are ready and every model is alive. */
export async function workerHealth(worker: Worker, pool: Pick<EnginePool, 'crashed'>, timeoutMs = 1000): Promise<string | null> {
  if (worker.closing) return 'worker is shutting down';
  if (!worker.isRunning()) return 'worker is not running';
  const { connection, blockingConnection } = worker.getBackend();
  for (const conn of [connection, blockingConnection]) {
    if (!conn) continue;
    // BullMQ hands out the client only once it has connected for the first time.
    const status = await withTimeout(conn.client, timeoutMs).then(
      (client) => client.status,
      () => 'not connected',
    );
    if (status !== 'ready') return `redis connection is ${status}`;
  }
  const [crash] = pool.crashed();
  return crash ? `model ${crash.model} is not alive: ${crash.reason}` : null;
}
