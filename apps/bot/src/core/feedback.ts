import { feedbackTallySchema, type FeedbackTally, type FeedbackVote, type ReplyJob } from '@parley/jobs';
import type { Redis } from 'ioredis';
import { scopeOfTarget } from './target-scope.js';

export type { FeedbackVote } from '@parley/jobs';

/** How long an answer can still be voted on. */
const ANSWER_TTL_SEC = 90 * 24 * 3600;

/** What a vote did: counted, the same vote again (nothing changes), a changed mind, or an answer Parley no longer knows. */
export type VoteResult = 'recorded' | 'unchanged' | 'changed' | 'unknown-answer';

/**
 * A vote, atomically: the answer's dimensions are read from its record, the user's earlier vote
 * replaced, and the tallies moved by the difference, so a double click or two bot instances
 * handling the same click count once.
 * KEYS[1] the answer's hash, KEYS[2] the tallies; ARGV[1] the user, ARGV[2] 'up' or 'down'.
 */
const VOTE_SCRIPT = `
local dims = redis.call('HGET', KEYS[1], 'dims')
if not dims then return 'unknown-answer' end
local field = 'vote:' .. ARGV[1]
local old = redis.call('HGET', KEYS[1], field)
if old == ARGV[2] then return 'unchanged' end
redis.call('HSET', KEYS[1], field, ARGV[2])
redis.call('HINCRBY', KEYS[2], dims .. '|' .. ARGV[2], 1)
if old then
  redis.call('HINCRBY', KEYS[2], dims .. '|' .. old, -1)
  return 'changed'
end
return 'recorded'
`;

/** The dimensions a vote is counted under, in tally-field order. */
const DIMENSIONS = ['platform', 'workspace', 'channel', 'task', 'model', 'template'] as const;

/** The answer a vote refers to, by the request it answered. */
export interface AnswerDimensions {
  platform: string;
  workspace: string;
  channel: string;
  task: string;
  model: string;
  /** The prompt template and its version (e.g. `summarize@3`), or `none`. */
  template: string;
}

/**
 * 👍/👎 on answers, in Redis: each answer's dimensions (platform, workspace, channel, task,
 * model, prompt template version) kept by request id when it is delivered, one vote per user and
 * answer, and running tallies per dimensions that the App Home, the metrics and the evaluation
 * harness read (`feedbackTallySchema` in @parley/jobs is the shape they read).
 */
export class FeedbackStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  private answerKey(requestId: string): string {
    return `${this.prefix}:feedback:answer:${requestId}`;
  }

  private get talliesKey(): string {
    return `${this.prefix}:feedback:tallies`;
  }

  /** The dimensions of an answer that can be voted on; undefined for a failure, which has no feedback buttons. */
  static dimensionsOf(reply: Pick<ReplyJob, 'target' | 'outcome'>): AnswerDimensions | undefined {
    const { outcome } = reply;
    if (!outcome.ok) return undefined;
    const scope = scopeOfTarget(reply.target);
    return { ...scope, task: outcome.task, model: outcome.model.name, template: outcome.prompt?.template ?? 'none' };
  }

  /** Remembers an answer so votes on it can be counted; idempotent. */
  async rememberAnswer(reply: Pick<ReplyJob, 'requestId' | 'target' | 'outcome'>): Promise<void> {
    const dims = FeedbackStore.dimensionsOf(reply);
    if (!dims) return;
    const key = this.answerKey(reply.requestId);
    await this.redis.multi().hset(key, 'dims', JSON.stringify(DIMENSIONS.map((d) => dims[d]))).expire(key, ANSWER_TTL_SEC).exec();
  }

  async vote(requestId: string, userId: string, vote: FeedbackVote): Promise<{ result: VoteResult; answer?: AnswerDimensions }> {
    const key = this.answerKey(requestId);
    const result = (await this.redis.eval(VOTE_SCRIPT, 2, key, this.talliesKey, userId, vote)) as VoteResult;
    if (result === 'unknown-answer') return { result };
    const dims = await this.redis.hget(key, 'dims');
    return { result, ...(dims && { answer: fromFields(JSON.parse(dims) as string[]) }) };
  }

  /** The user's vote on an answer, if any. */
  async voteOf(requestId: string, userId: string): Promise<FeedbackVote | undefined> {
    const v = await this.redis.hget(this.answerKey(requestId), `vote:${userId}`);
    return v === 'up' || v === 'down' ? v : undefined;
  }

  /** Every tally with at least one vote, optionally only one platform's workspace. */
  async tallies(filter?: { platform: string; workspace: string }): Promise<FeedbackTally[]> {
    const raw = await this.redis.hgetall(this.talliesKey);
    const byDims = new Map<string, FeedbackTally>();
    for (const [field, count] of Object.entries(raw)) {
      const cut = field.lastIndexOf('|');
      const dimsJson = field.slice(0, cut);
      const vote = field.slice(cut + 1);
      const dims = fromFields(JSON.parse(dimsJson) as string[]);
      if (filter && (dims.platform !== filter.platform || dims.workspace !== filter.workspace)) continue;
      const tally = byDims.get(dimsJson) ?? { ...dims, up: 0, down: 0 };
      if (vote === 'up' || vote === 'down') tally[vote] += Number(count);
      byDims.set(dimsJson, tally);
    }
    return [...byDims.values()].filter((t) => t.up + t.down > 0).map((t) => feedbackTallySchema.parse(t));
  }
}

function fromFields(fields: readonly string[]): AnswerDimensions {
  return Object.fromEntries(DIMENSIONS.map((d, i) => [d, fields[i] ?? ''])) as unknown as AnswerDimensions;
}

