import { feedbackVoteSchema, type FeedbackVote } from '@parley/jobs';

/** The action id of the 👍/👎 buttons under every Slack answer. */
export const FEEDBACK_ACTION_ID = 'parley_feedback';

/** Block Kit's `context_actions` block holding the answer's feedback buttons; each button's value names the vote and the request. */
export function feedbackBlock(requestId: string) {
  return {
    type: 'context_actions' as const,
    elements: [
      {
        type: 'feedback_buttons' as const,
        action_id: FEEDBACK_ACTION_ID,
        positive_button: { text: { type: 'plain_text' as const, text: '👍' }, value: `up:${requestId}`, accessibility_label: 'This answer was useful' },
        negative_button: { text: { type: 'plain_text' as const, text: '👎' }, value: `down:${requestId}`, accessibility_label: 'This answer was not useful' },
      },
    ],
  };
}

/** The vote and request a clicked feedback button stands for, or undefined for a value Parley did not write. */
export function parseFeedbackValue(value: string | undefined): { vote: FeedbackVote; requestId: string } | undefined {
  const cut = value?.indexOf(':') ?? -1;
  if (!value || cut < 1) return undefined;
  const vote = feedbackVoteSchema.safeParse(value.slice(0, cut));
  const requestId = value.slice(cut + 1);
  return vote.success && /^[A-Za-z0-9_:-]{1,120}$/.test(requestId) ? { vote: vote.data, requestId } : undefined;
}
