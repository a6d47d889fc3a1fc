/** Queue names shared by producers (bot, demo) and consumers (worker, bot delivery). */
export const INFERENCE_QUEUE = 'inference';

export const PLATFORMS = ['slack', 'demo'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Each platform adapter consumes its own reply queue, so one adapter never takes another's replies. */
export function replyQueueName(platform: Platform): string {
  return `replies-${platform}`;
}

export const DEFAULT_QUEUE_PREFIX = 'parley';
