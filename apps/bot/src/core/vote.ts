import type { FeedbackVote } from '@parley/jobs';
import type { Logger } from '@parley/service-kit';
import type { PlatformMetrics } from './bot-metrics.js';
import type { FeedbackStore, VoteResult } from './feedback.js';

export interface VoteDeps {
  feedback: FeedbackStore;
  metrics: PlatformMetrics;
  log: Logger;
}

const THUMB: Record<FeedbackVote, string> = { up: '👍', down: '👎' };

/** What the voter is told, the same words on every platform. */
export function voteConfirmation(result: VoteResult, vote: FeedbackVote): string {
  switch (result) {
    case 'recorded':
      return `Thanks: your ${THUMB[vote]} on this answer is counted.`;
    case 'changed':
      return `Changed your vote on this answer to ${THUMB[vote]}.`;
    case 'unchanged':
      return `You already gave this answer ${THUMB[vote]}; it is counted once.`;
    case 'unknown-answer':
      return 'This answer is too old to vote on.';
  }
}

/**
 * A 👍/👎 click on any platform: counted once per user and answer in Redis, in the metrics when
 * it changed something, and logged with the request id (never the answer's text).
 */
export async function castVote(deps: VoteDeps, platform: string, requestId: string, userId: string, vote: FeedbackVote): Promise<{ result: VoteResult; confirmation: string }> {
  const { result, answer } = await deps.feedback.vote(requestId, userId, vote, platform);
  if (answer && (result === 'recorded' || result === 'changed')) deps.metrics.feedbackVoted(platform, answer, vote);
  deps.log.info({ requestId, platform, vote, result }, 'feedback vote');
  return { result, confirmation: voteConfirmation(result, vote) };
}
