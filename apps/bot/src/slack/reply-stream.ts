import { INFERENCE_QUEUE, progressSchema } from '@parley/jobs';
import { redisOptions, type Logger } from '@parley/service-kit';
import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import { escapeSlackText } from './format-reply.js';
import type { PlaceholderEditor } from './placeholder-editor.js';
import type { Placeholders } from './placeholders.js';

/** Keys shared by every bot instance on one Redis. */
export const streamKeys = {
  /** Which bot instance streams a request's partial text. */
  owner: (prefix: string, requestId: string) => `${prefix}:stream:${requestId}`,
  /** Set once the final reply is being delivered; no streamed edit may follow it. */
  final: (prefix: string, requestId: string) => `${prefix}:final:${requestId}`,
};

const STREAM_CHARS = 3000;

/** A placeholder showing the text generated so far. */
export function streamingText(text: string): string {
  const shown = text.length > STREAM_CHARS ? `${text.slice(0, STREAM_CHARS)}…` : text;
  return `${escapeSlackText(shown)} :writing_hand:`;
}

/**
 * Streams workers' partial text into Slack placeholders. Workers publish it as BullMQ job
 * progress; every bot instance hears every event, so the first instance to hear of a request
 * claims it in Redis and only that one edits, keeping one workspace's edits within one budget.
 */
export function startReplyStream(opts: {
  redisUrl: string;
  redis: Redis;
  prefix: string;
  instanceId: string;
  editor: PlaceholderEditor;
  placeholders: Placeholders;
  log: Logger;
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
    if (!parsed.success) return;
    const { requestId, target, text } = parsed.data;
    if (target.platform !== 'slack' || target.private || !text.trim()) return;
    (async () => {
      if (!(await owns(requestId))) return;
      const placeholder = await opts.placeholders.find(requestId);
      if (!placeholder || (await opts.redis.exists(streamKeys.final(opts.prefix, requestId)))) return;
      opts.editor.show(target.teamId, target.channelId, placeholder, streamingText(text));
    })().catch((err: Error) => opts.log.warn({ requestId, err: err.message }, 'streamed edit skipped'));
  });
  events.on('error', (err) => opts.log.error({ err: err.message }, 'reply stream error'));

  return {
    close: () => events.close(),
  };
}
