import type { Logger } from '@parley/service-kit';
import type { Redis } from 'ioredis';
import { startProgressStream, streamKeys } from '../core/progress-stream.js';
import { escapeSlackText } from './format-reply.js';
import type { PlaceholderEditor } from './placeholder-editor.js';
import type { Placeholders } from './placeholders.js';

export { streamKeys };

const STREAM_CHARS = 3000;

/** A placeholder showing the text generated so far. */
export function streamingText(text: string): string {
  const shown = text.length > STREAM_CHARS ? `${text.slice(0, STREAM_CHARS)}…` : text;
  return `${escapeSlackText(shown)} :writing_hand:`;
}

/** Streams workers' partial text into Slack placeholders, through the per-workspace edit budget. */
export function startReplyStream(opts: {
  redisUrl: string;
  redis: Redis;
  prefix: string;
  instanceId: string;
  editor: PlaceholderEditor;
  placeholders: Placeholders;
  log: Logger;
}): { close(): Promise<void> } {
  return startProgressStream({
    ...opts,
    wants: ({ target }) => target.platform === 'slack' && !target.private,
    show: async ({ requestId, target, text }) => {
      if (target.platform !== 'slack') return;
      const placeholder = await opts.placeholders.find(requestId);
      if (placeholder) opts.editor.show(target.teamId, target.channelId, placeholder, streamingText(text));
    },
  });
}
