import type { Logger } from '@parley/service-kit';
import type { WebClient } from '@slack/web-api';
import { ErrorCode } from '@slack/web-api';
import { BotError } from '../../core/bot-error.js';
import { PlatformRateLimited, type DeliveryAttempt, type ReplyDelivery, type ReplyFor } from '../../core/reply-consumer.js';
import { feedbackBlock } from './feedback-block.js';
import { failureText, replyBody, replyFooter, streamingText } from './format-reply.js';
import type { Permalinks } from './permalinks.js';
import type { PlaceholderEditor } from './placeholder-editor.js';
import type { Placeholders } from './placeholders.js';
import { toMessages, type SlackMessageBody } from './reply-blocks.js';
import type { SlackStreams } from './slack-streams.js';

/** Message metadata that marks Parley's reply to a request, and which part of it. */
const REPLY_EVENT = 'parley_reply';

/** Slack errors that another attempt cannot fix. */
const PERMANENT = new Set(['channel_not_found', 'not_in_channel', 'is_archived', 'not_authed', 'invalid_auth', 'account_inactive', 'token_revoked', 'msg_too_long', 'no_text', 'missing_scope', 'invalid_blocks']);

/** How long after its final edit a reply is edited again when another bot instance streamed it; see `deliver`. */
const RESTREAM_GUARD_MS = 2500;

type SlackError = { code?: string; retryAfter?: number; data?: { error?: string } };

export interface SlackDeliveryDeps {
  /** Must not retry on its own and must reject rate-limited calls: the reply queue retries, and markers stop double posts. */
  client: WebClient;
  editor: PlaceholderEditor;
  placeholders: Placeholders;
  streams: SlackStreams;
  permalinks: Permalinks;
  log: Logger;
}

/** A Slack call that failed: Slack's error code, and whether another attempt could succeed. */
class SlackCallFailed extends BotError {
  override name = 'SlackCallFailed';
}

type SlackReply = ReplyFor<'slack'>;

/** The messages a reply is posted as: markdown blocks split at Slack's limits, the last with the footer and the feedback buttons. */
async function render(reply: SlackReply, permalinks: Permalinks): Promise<SlackMessageBody[]> {
  const { outcome, target } = reply;
  if (!outcome.ok) return toMessages(failureText(outcome, reply.requestId));
  const cited = outcome.details?.kind === 'summary' ? outcome.details.sections.flatMap((s) => s.points.flatMap((p) => p.messageIds)) : [];
  const links = cited.length ? await permalinks.forMessages(target.channelId, cited) : new Map<string, string>();
  return toMessages(replyBody(outcome, links), replyFooter(outcome), [feedbackBlock(reply.requestId)]);
}

/** The ts of a part of this request's reply that an earlier attempt posted, found by its metadata. */
async function findPosted(client: WebClient, channel: string, threadTs: string, requestId: string, part: number): Promise<string | undefined> {
  const page = await client.conversations.replies({ channel, ts: threadTs, include_all_metadata: true, limit: 200 });
  const mine = (page.messages ?? []).find((m) => {
    const meta = (m as { metadata?: { event_type?: string; event_payload?: { request_id?: string; part?: number } } }).metadata;
    return meta?.event_type === REPLY_EVENT && meta.event_payload?.request_id === requestId && (meta.event_payload.part ?? 0) === part;
  });
  return mine?.ts;
}

/**
 * Slack's side of the reply consumer. In a thread, streamed text goes through Slack's stream
 * methods (`SlackStreams`) and the answer stops the stream; elsewhere, or where Slack refuses
 * them, streamed text edits the request's placeholder through the per-workspace edit budget and
 * the answer's first part replaces the placeholder. Further parts follow in the thread; a private
 * answer is an ephemeral message. A post whose answer was lost is found by its metadata and
 * edited instead of posted again.
 */
export function slackDelivery(deps: SlackDeliveryDeps): ReplyDelivery<'slack'> {
  const { client, log } = deps;

  const send = async <T>(method: string, call: () => Promise<T>): Promise<T> =>
    call().catch((err: SlackError) => {
      // Slack said when to come back: the reply waits that long without counting an attempt.
      if (err.code === ErrorCode.RateLimitedError) throw new PlatformRateLimited((err.retryAfter ?? 1) * 1000, method);
      const code = err.data?.error;
      if (!code) throw err;
      throw new SlackCallFailed(code, 'Slack refused the reply.', { permanent: PERMANENT.has(code), cause: err });
    });

  /**
   * Another bot instance that streamed this request may have had an edit in flight when the
   * final reply went out; its edits stop at the final marker, so editing once more after they
   * could have landed leaves the answer in place.
   */
  const guardAgainstOtherStreamer = async (reply: SlackReply, attempt: DeliveryAttempt, placeholderTs: string, first: SlackMessageBody): Promise<void> => {
    if (!(await attempt.streamedElsewhere())) return;
    await new Promise((r) => setTimeout(r, RESTREAM_GUARD_MS));
    await client.chat.update({ channel: reply.target.channelId, ts: placeholderTs, ...first }).catch(() => {});
  };

  const deliver = async (reply: SlackReply, attempt: DeliveryAttempt): Promise<{ parts: number }> => {
    const { requestId, target } = reply;
    const parts = await render(reply, deps.permalinks);
    const metadata = (i: number) => ({ event_type: REPLY_EVENT, event_payload: { request_id: requestId, part: i } });
    let edited = false;
    let streamedTs: string | undefined;
    if (!target.private && !(await attempt.posted('0'))) {
      streamedTs = await send('chat.stopStream', () => deps.streams.finish(requestId, target, parts, metadata(0)));
      if (streamedTs) await attempt.markPosted('0', streamedTs);
    }
    const placeholderTs = target.private ? undefined : await deps.placeholders.forAnswer(requestId);
    if (placeholderTs) await deps.editor.freeze(placeholderTs);
    // A placeholder posted by a fallback that raced the stream would be a second message.
    if (placeholderTs && streamedTs) await client.chat.delete({ channel: target.channelId, ts: placeholderTs }).catch(() => {});
    const intoPlaceholder = streamedTs ? undefined : placeholderTs;
    for (const [i, part] of parts.entries()) {
      if (await attempt.posted(String(i))) continue;
      let ts: string | undefined;
      if (target.private) {
        await send('chat.postEphemeral', () =>
          client.chat.postEphemeral({ channel: target.channelId, user: target.userId, ...(target.threadTs && { thread_ts: target.threadTs }), ...part }),
        );
      } else if (i === 0 && intoPlaceholder) {
        ts = await send('chat.update', () => client.chat.update({ channel: target.channelId, ts: intoPlaceholder, ...part, metadata: metadata(0) }))
          .then(() => intoPlaceholder)
          .catch((err: unknown) => {
            // Someone deleted the placeholder: the answer still gets posted.
            if (err instanceof SlackCallFailed && err.code === 'message_not_found') return undefined;
            throw err;
          });
      }
      if (!target.private && !ts) {
        // A part after the first goes under the first: in its thread, or the placeholder's.
        const threadTs = target.threadTs ?? intoPlaceholder ?? (i > 0 ? await attempt.posted('0') : undefined);
        const earlier = attempt.attemptsMade > 0 && threadTs ? await findPosted(client, target.channelId, threadTs, requestId, i) : undefined;
        if (earlier) {
          edited = true;
          await send('chat.update', () => client.chat.update({ channel: target.channelId, ts: earlier, ...part }));
          ts = earlier;
        } else {
          const res = await send('chat.postMessage', () =>
            client.chat.postMessage({ channel: target.channelId, ...(threadTs && { thread_ts: threadTs }), ...part, unfurl_links: false, unfurl_media: false, metadata: metadata(i) }),
          );
          ts = res.ts;
        }
      }
      await attempt.markPosted(String(i), ts);
    }
    if (intoPlaceholder) await guardAgainstOtherStreamer(reply, attempt, intoPlaceholder, parts[0]!);
    log.info({ requestId, ok: reply.outcome.ok, parts: parts.length, edited, streamed: Boolean(streamedTs), private: Boolean(target.private) }, 'reply posted');
    return { parts: parts.length };
  };

  return {
    stream: {
      wants: (target) => !target.private,
      show: async (requestId, target, text, live) => {
        if ((await deps.streams.text(requestId, target, text, live)) === 'stream') return;
        const placeholder = await deps.placeholders.find(requestId);
        if (placeholder) deps.editor.show(target.teamId, target.channelId, placeholder, streamingText(text), live);
      },
      stage: (requestId, target, stage) => deps.streams.stage(requestId, target, stage),
    },
    deliver,
    concurrency: 4,
    // Needed for a rate limit to pause the queue; Slack allows about one post a second per channel.
    limiter: { max: 20, duration: 1000 },
  };
}
