import { describe, expect, it } from 'vitest';
import { keepRecentWithinPayload, LIMITS, replyDetailsSchema, requestJobId, requestJobSchema, summarizeJobSchema, type SummarizeJob } from '../src/index.js';

const job = (texts: string[]): SummarizeJob => ({
  version: 1,
  task: 'summarize',
  requestId: 'summarize-x',
  target: { platform: 'demo', runId: 'r' },
  messages: texts.map((text, i) => ({ id: String(i), author: 'a', text, isBot: false })),
  generation: { maxNewTokens: 16 },
});

describe('job contract', () => {
  it('derives the same id from the same request, a different one otherwise, never with ":" or all digits', () => {
    const a = requestJobId('summarize', 'T1', 'trigger-1');
    expect(requestJobId('summarize', 'T1', 'trigger-1')).toBe(a);
    expect(requestJobId('summarize', 'T1', 'trigger-2')).not.toBe(a);
    expect(requestJobId('summarize', 'T1t', 'rigger-1')).not.toBe(a);
    expect(a).toMatch(/^summarize-[0-9a-f]{32}$/);
  });

  it('refuses a payload whose message text exceeds the per-job limit, and keeps the most recent messages that fit', () => {
    const big = 'x'.repeat(LIMITS.charsPerMessage);
    const texts = Array.from({ length: 30 }, () => big);
    expect(summarizeJobSchema.safeParse(job(texts)).success).toBe(false);
    const kept = keepRecentWithinPayload(job(texts).messages);
    expect(kept).toHaveLength(Math.floor(LIMITS.charsPerJob / LIMITS.charsPerMessage));
    expect(kept.at(-1)!.id).toBe('29');
    expect(summarizeJobSchema.safeParse({ ...job([]), messages: kept }).success).toBe(true);
  });

  it('refuses unknown versions and malformed targets', () => {
    expect(summarizeJobSchema.safeParse({ ...job(['hi']), version: 2 }).success).toBe(false);
    expect(summarizeJobSchema.safeParse({ ...job(['hi']), target: { platform: 'slack', teamId: 'T', channelId: 'C', threadTs: 'x', userId: 'U' } }).success).toBe(false);
  });

  it('an ask job may say it is a chat turn; one queued before the flag existed still parses as a thread question', () => {
    const ask = { ...job(['hi']), task: 'ask', question: 'When?' };
    expect(requestJobSchema.parse(ask)).not.toHaveProperty('chat');
    expect(requestJobSchema.parse({ ...ask, chat: true })).toMatchObject({ task: 'ask', chat: true });
    expect(requestJobSchema.safeParse({ ...ask, chat: false }).success).toBe(false);
    expect(replyDetailsSchema.parse({ kind: 'answer', answered: true })).toEqual({ kind: 'answer', answered: true });
    expect(replyDetailsSchema.parse({ kind: 'answer', answered: true, chat: true })).toEqual({ kind: 'answer', answered: true, chat: true });
  });
});
