import { isCodedError } from '@parley/errors';
import { feedbackTallySchema, feedbackVoteSchema, type FeedbackTally, type FeedbackVote, type ReplyJob } from '@parley/jobs';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { BotError } from './bot-error.js';
import { scopeOfTarget } from './target-scope.js';

export type { FeedbackVote } from '@parley/jobs';

/** How long an answer can still be voted on. */
const ANSWER_TTL_SEC = 90 * 24 * 3600;

const voteResultSchema = z.enum(['recorded', 'unchanged', 'changed', 'unknown-answer']);
/** What a vote did: counted, the same vote again (nothing changes), a changed mind, or an answer Parley no longer knows. */
export type VoteResult = z.infer<typeof voteResultSchema>;
const voteReplySchema = z.tuple([voteResultSchema, z.string()]);

/**
 * A vote, atomically: the answer's dimensions are read from its record, the user's earlier vote
 * replaced, and the tallies moved by the difference, so a double click or two bot instances
 * handling the same click count once. Answers {result, dims}; dims are read in the same step, so
 * an answer expiring between two calls cannot make a counted vote come back without them.
 * KEYS[1] the answer's hash, KEYS[2] the tallies; ARGV[1] the user, ARGV[2] 'up' or 'down'.
 */
const VOTE_SCRIPT = `
local dims = redis.call('HGET', KEYS[1], 'dims')
if not dims then return {'unknown-answer', ''} end
if ARGV[3] ~= '' and string.sub(dims, 1, string.len(ARGV[3])) ~= ARGV[3] then return {'unknown-answer', ''} end
local field = 'vote:' .. ARGV[1]
local old = redis.call('HGET', KEYS[1], field)
if old == ARGV[2] then return {'unchanged', dims} end
redis.call('HSET', KEYS[1], field, ARGV[2])
redis.call('HINCRBY', KEYS[2], dims .. '|' .. ARGV[2], 1)
if old then
  redis.call('HINCRBY', KEYS[2], dims .. '|' .. old, -1)
  return {'changed', dims}
end
return {'recorded', dims}
`;

/** The dimensions a vote is counted under, in tally-field order. */
const DIMENSIONS = ['platform', 'workspace', 'channel', 'task', 'model', 'template'] as const;
const dimsFieldsSchema = z.array(z.string()).length(DIMENSIONS.length);

/** Redis failed under a vote or a read of the tallies; the user is asked to try again. */
function unavailable(err: unknown): Error {
  if (isCodedError(err) && err instanceof Error) return err;
  return new BotError('FEEDBACK_UNAVAILABLE', "Parley can't count votes right now. Please try again in a minute.", { permanent: false, cause: err });
}

/** The answer a vote refers to, by the request it answered: a tally's dimensions (template `none` when the reply named none). */
export type AnswerDimensions = Omit<FeedbackTally, 'up' | 'down'>;

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

  /**
   * Counts `userId`'s vote on the answer to `requestId`, once; throws a `FEEDBACK_UNAVAILABLE`
   * BotError when Redis fails. With `platform`, an answer given on another platform counts as
   * unknown: a click on one platform can never vote on another's answers.
   */
  async vote(requestId: string, userId: string, vote: FeedbackVote, platform?: string): Promise<{ result: VoteResult; answer?: AnswerDimensions }> {
    let reply: unknown;
    try {
      const platformPrefix = platform === undefined ? '' : `[${JSON.stringify(platform)},`;
      reply = await this.redis.eval(VOTE_SCRIPT, 2, this.answerKey(requestId), this.talliesKey, userId, vote, platformPrefix);
    } catch (err) {
      throw unavailable(err);
    }
    const parsed = voteReplySchema.safeParse(reply);
    if (!parsed.success) throw unavailable(new Error('unexpected vote script reply'));
    const [result, dims] = parsed.data;
    const answer = result === 'unknown-answer' ? undefined : readDims(dims);
    return { result, ...(answer && { answer }) };
  }

  /** The user's vote on an answer, if any. */
  async voteOf(requestId: string, userId: string): Promise<FeedbackVote | undefined> {
    const v = feedbackVoteSchema.safeParse(await this.redis.hget(this.answerKey(requestId), `vote:${userId}`));
    return v.success ? v.data : undefined;
  }

  /**
   * Every tally with at least one vote, optionally only one platform's workspace; a field that
   * does not read as Parley wrote it is left out. Throws a `FEEDBACK_UNAVAILABLE` BotError when Redis fails.
   */
  async tallies(filter?: { platform: string; workspace: string }): Promise<FeedbackTally[]> {
    let raw: Record<string, string>;
    try {
      raw = await this.redis.hgetall(this.talliesKey);
    } catch (err) {
      throw unavailable(err);
    }
    const byDims = new Map<string, FeedbackTally>();
    for (const [field, count] of Object.entries(raw)) {
      const cut = field.lastIndexOf('|');
      const dimsJson = field.slice(0, cut);
      const vote = feedbackVoteSchema.safeParse(field.slice(cut + 1));
      const n = Number(count);
      const dims = readDims(dimsJson);
      if (!dims || !vote.success || !Number.isInteger(n)) continue;
      if (filter && (dims.platform !== filter.platform || dims.workspace !== filter.workspace)) continue;
      const tally = byDims.get(dimsJson) ?? { ...dims, up: 0, down: 0 };
      tally[vote.data] += n;
      byDims.set(dimsJson, tally);
    }
    return [...byDims.values()].flatMap((t) => {
      const parsed = feedbackTallySchema.safeParse(t);
      return parsed.success && t.up + t.down > 0 ? [parsed.data] : [];
    });
  }
}

/** An answer's dimensions as stored (a JSON array in DIMENSIONS order), or undefined when they do not read. */
function readDims(json: string): AnswerDimensions | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(json);
  } catch {
    return undefined;
  }
  const parsed = dimsFieldsSchema.safeParse(fields);
  if (!parsed.success) return undefined;
  return Object.fromEntries(DIMENSIONS.map((d, i) => [d, parsed.data[i]!])) as unknown as AnswerDimensions;
}

