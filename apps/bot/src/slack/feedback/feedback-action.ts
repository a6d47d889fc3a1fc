import { isCodedError } from '@parley/errors';
import type { Logger } from '@parley/service-kit';
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { z } from 'zod';
import type { PlatformMetrics } from '../../core/bot-metrics.js';
import type { FeedbackStore } from '../../core/feedback.js';
import { castVote } from '../../core/vote.js';
import { FEEDBACK_ACTION_ID, parseFeedbackValue } from '../replies/feedback-block.js';

export interface FeedbackActionDeps {
  feedback: FeedbackStore;
  metrics: PlatformMetrics;
  log: Logger;
}

/** The parts of a block_actions payload a feedback click is read from. */
const clickSchema = z.object({
  user: z.object({ id: z.string().min(1) }),
  channel: z.object({ id: z.string().min(1) }).optional(),
  container: z.object({ channel_id: z.string().optional(), thread_ts: z.string().optional() }).optional(),
  message: z.object({ ts: z.string(), thread_ts: z.string().optional() }).optional(),
  response_url: z.url().optional(),
  actions: z.array(z.object({ action_id: z.string(), action_ts: z.string().optional(), type: z.string(), value: z.string().optional() })).min(1),
});
type Click = z.infer<typeof clickSchema>;

/**
 * The 👍/👎 buttons under Slack answers (see `replies/feedback-block.ts`): acked at once, counted
 * through `castVote`, and confirmed to the voter alone.
 */
export function registerFeedbackAction(app: App, deps: FeedbackActionDeps): void {
  app.action(FEEDBACK_ACTION_ID, async ({ ack, body, client, respond }) => {
    await ack();
    const click = clickSchema.safeParse(body);
    const action = click.success ? click.data.actions.find((a) => a.action_id === FEEDBACK_ACTION_ID) : undefined;
    const parsed = action?.type === 'feedback_buttons' ? parseFeedbackValue(action.value) : undefined;
    if (!click.success || !parsed) {
      const user = (body as { user?: { id?: unknown } }).user?.id;
      deps.log.warn({ user: typeof user === 'string' ? user : undefined, actionTs: action?.action_ts }, 'feedback click with an unreadable value ignored');
      return;
    }
    const { requestId, vote } = parsed;
    let text: string;
    try {
      text = (await castVote(deps, 'slack', requestId, click.data.user.id, vote)).confirmation;
    } catch (err) {
      if (!isCodedError(err)) throw err;
      deps.log.warn({ requestId, code: err.code }, 'feedback vote not counted');
      text = `:warning: ${err.userMessage}`;
    }
    try {
      if (click.data.response_url) await respond({ response_type: 'ephemeral', replace_original: false, text });
      else await postEphemeral(client, click.data, text);
    } catch (err) {
      // The vote is counted either way; only its confirmation is lost.
      deps.log.warn({ requestId, err: (err as { data?: { error?: string } }).data?.error ?? (err as Error).name }, 'feedback confirmation not sent');
    }
  });
}

/** Without a response_url: an ephemeral message in the channel (and thread) of the voted answer. */
async function postEphemeral(client: WebClient, click: Click, text: string): Promise<void> {
  const channel = click.container?.channel_id ?? click.channel?.id;
  if (!channel) throw new Error('no channel to confirm in');
  const threadTs = click.container?.thread_ts ?? click.message?.thread_ts;
  await client.chat.postEphemeral({ channel, user: click.user.id, text, ...(threadTs && { thread_ts: threadTs }) });
}
