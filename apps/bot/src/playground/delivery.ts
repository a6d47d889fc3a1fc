import type { Logger } from '@parley/service-kit';
import { FeedbackStore } from '../core/feedback.js';
import type { ReplyDelivery } from '../core/reply-consumer.js';
import type { EventHub } from './hub.js';
import { replyFooter, replyText } from './reply-text.js';
import { BOT_NAME } from './service.js';
import { newMessageId, type PlaygroundMessage, type PlaygroundStore } from './store.js';

/**
 * The playground's side of the reply consumer. Streamed text is pushed to the open pages as the
 * placeholder's newer version (the stored message waits for the answer); the answer replaces the
 * placeholder with its footer, stored and pushed to every open page of the channel. Replacing a
 * message is idempotent, so a retried reply cannot post twice. An answer (not a failure) is
 * marked `votable`: the page shows 👍/👎 under it.
 */
export function playgroundDelivery(deps: { store: PlaygroundStore; hub: EventHub; log: Logger }): ReplyDelivery<'playground'> {
  const { store, hub, log } = deps;
  return {
    stream: {
      wants: () => true,
      show: async (requestId, _target, text, live) => {
        const ref = await store.placeholderFor(requestId);
        const current = ref && (await store.get(ref.channelId, ref.id));
        // Lossy by design: the page shows the newest text; the stored message waits for the final reply.
        if (!current || (current.state !== 'waiting' && current.state !== 'streaming')) return;
        // Asked again just before publishing: the final reply may have started meanwhile.
        if (!(await live())) return;
        hub.publish({ ...current, text, state: 'streaming' });
      },
    },
    deliver: async ({ requestId, outcome, target }) => {
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
      // Votable exactly when the reply consumer remembered the answer for votes.
      const votable = FeedbackStore.dimensionsOf({ target, outcome }) !== undefined;
      const final: PlaygroundMessage = { ...base, text: replyText(outcome), state: outcome.ok ? 'done' : 'failed', ...(footer && { footer }), ...(votable && { votable }) };
      if (before) await store.update(final);
      else await store.add(final);
      hub.publish(final);
      log.info({ requestId, ok: outcome.ok }, 'reply posted');
      return { parts: 1 };
    },
    concurrency: 8,
  };
}
