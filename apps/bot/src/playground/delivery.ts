import { replyJobSchema, replyQueueName } from '@parley/jobs';
import { redisOptions, type Logger } from '@parley/service-kit';
import { UnrecoverableError, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { streamKeys } from '../core/progress-stream.js';
import type { EventHub } from './hub.js';
import { replyFooter, replyText } from './reply-text.js';
import { BOT_NAME } from './service.js';
import { newMessageId, type PlaygroundMessage, type PlaygroundStore } from './store.js';

/**
 * Delivers finished replies from `replies-playground`: the placeholder becomes the answer with
 * its footer, stored and pushed to every open page of the channel. Replacing a message is
 * idempotent, so a retried job cannot post twice.
 */
export function startPlaygroundDelivery(deps: { redis: Redis; redisUrl: string; prefix: string; store: PlaygroundStore; hub: EventHub; log: Logger }): Worker {
  const { store, hub, log } = deps;
  const worker = new Worker(
    replyQueueName('playground'),
    async (job) => {
      const parsed = replyJobSchema.safeParse(job.data);
      if (!parsed.success || parsed.data.target.platform !== 'playground') throw new UnrecoverableError('invalid reply payload');
      const { requestId, outcome, target } = parsed.data;
      await deps.redis.set(streamKeys.final(deps.prefix, requestId), '1', 'EX', 3600);
      const ref = await store.placeholderFor(requestId);
      const before = ref && (await store.get(ref.channelId, ref.id));
      const footer = replyFooter(outcome);
      const base: PlaygroundMessage = before ?? {
        id: newMessageId(),
        channelId: target.channelId,
        ...(target.threadId && { threadId: target.threadId }),
        author: BOT_NAME,
        text: '',
        isBot: true,
        at: Date.now(),
        requestId,
      };
      const final: PlaygroundMessage = { ...base, text: replyText(outcome), state: outcome.ok ? 'done' : 'failed', ...(footer && { footer }) };
      if (before) await store.update(final);
      else await store.add(final);
      hub.publish(final);
      log.info({ requestId, ok: outcome.ok }, 'reply posted');
    },
    { connection: { url: deps.redisUrl, ...redisOptions('consumer') }, prefix: deps.prefix, concurrency: 8 },
  );
  worker.on('failed', (job, err) => log.warn({ jobId: job?.id, err: err.message.slice(0, 200) }, 'reply delivery failed'));
  worker.on('error', (err) => log.error({ err: err.message }, 'delivery worker error'));
  return worker;
}
