/** Queue names shared by producers (bot, demo) and consumers (worker, bot delivery). */
export const INFERENCE_QUEUE = 'inference';

export const PLATFORMS = ['slack', 'discord', 'demo', 'playground'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Each platform adapter consumes its own reply queue, so one adapter never takes another's replies. */
export function replyQueueName(platform: Platform): string {
  return `replies-${platform}`;
}

export const DEFAULT_QUEUE_PREFIX = 'parley';

/**
 * How long finished jobs stay in Redis. A request id deduplicates only while its job is kept,
 * so this is also the window in which a redelivered request is recognised.
 */
export const JOB_RETENTION = {
  removeOnComplete: { age: 24 * 3600 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;
