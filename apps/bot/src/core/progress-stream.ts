import { INFERENCE_QUEUE, progressSchema, type Progress } from '@parley/jobs';
import { redisOptions, type Logger } from '@parley/service-kit';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

/** Keys shared by every bot instance on one Redis. */
export const streamKeys = {
  /** Which bot instance streams a request's partial text. */
  owner: (prefix: string, requestId: string) => `${prefix}:stream:${requestId}`,
  /** Set once the final reply is being delivered; no streamed edit may follow it. */
  final: (prefix: string, requestId: string) => `${prefix}:final:${requestId}`,
};

/**
 * Hands workers' partial text (BullMQ job progress) to an adapter. Every bot instance hears
 * every event, so the first instance to hear of a request claims it in Redis and only that one
 * shows it, keeping a workspace's edits within one budget; nothing is shown once the final
 * reply is being delivered.
 */
export function startProgressStream(opts: {
  redisUrl: string;
  redis: Redis;
  prefix: string;
  instanceId: string;
  log: Logger;
  /** Whether this adapter streams the request at all (its platform, not private, …). */
  wants: (progress: Progress) => boolean;
  show: (progress: Progress) => void | Promise<void>;
}): { close(): Promise<void> } {
  const events = new QueueEvents(INFERENCE_QUEUE, { connection: { url: opts.redisUrl, ...redisOptions('consumer') }, prefix: opts.prefix });
  const mine = new Map<string, boolean>();

  const owns = async (requestId: string): Promise<boolean> => {
    let owned = mine.get(requestId);
    if (owned === undefined) {
      const key = streamKeys.owner(opts.prefix, requestId);
      owned = (await opts.redis.set(key, opts.instanceId, 'EX', 3600, 'NX')) === 'OK' || (await opts.redis.get(key)) === opts.instanceId;
      mine.set(requestId, owned);
      if (mine.size > 10_000) mine.delete(mine.keys().next().value!);
    }
    return owned;
  };

  events.on('progress', ({ data }) => {
    const parsed = progressSchema.safeParse(data);
    if (!parsed.success || (!parsed.data.text.trim() && !parsed.data.stage) || !opts.wants(parsed.data)) return;
    const progress = parsed.data;
    (async () => {
      if (!(await owns(progress.requestId))) return;
      if (await opts.redis.exists(streamKeys.final(opts.prefix, progress.requestId))) return;
      await opts.show(progress);
    })().catch((err: Error) => opts.log.warn({ requestId: progress.requestId, err: err.message }, 'streamed edit skipped'));
  });
  events.on('error', (err) => opts.log.error({ err: err.message }, 'reply stream error'));

  return { close: () => events.close() };
}
