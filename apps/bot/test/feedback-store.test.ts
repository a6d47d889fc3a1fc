import { feedbackTallySchema, type ReplyJob } from '@parley/jobs';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dropPrefix, REDIS_URL, uniquePrefix } from '../../../test/helpers/redis.js';
import { BotError } from '../src/core/bot-error.js';
import { FeedbackStore } from '../src/core/feedback.js';

type Reply = Pick<ReplyJob, 'requestId' | 'target' | 'outcome'>;

const success = (task: 'summarize' | 'ask', model: string, template?: string): ReplyJob['outcome'] => ({
  ok: true,
  text: 'an answer',
  task,
  model: { name: model, isRandomTestModel: true },
  messagesCovered: 2,
  messagesInThread: 2,
  generation: { maxNewTokens: 12 },
  stats: { promptTokens: 10, newTokens: 5, generationMs: 20 },
  ...(template && { prompt: { template, examples: [] } }),
});

describe('FeedbackStore (real Redis)', () => {
  const prefix = uniquePrefix('feedback');
  const connections: Redis[] = [];
  const connect = () => {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return redis;
  };
  let store: FeedbackStore;
  let raw: Redis;
  let n = 0;
  /** Each test votes in a workspace of its own, so tallies never mix between tests. */
  const freshTeam = () => `T${++n}`;
  const slackAnswer = (team: string, channel: string, outcome = success('summarize', 't5-tiny', 'summarize@3')): Reply => ({
    requestId: `summarize-${team}-${channel}-${++n}`,
    target: { platform: 'slack', teamId: team, channelId: channel, userId: 'U0ASKER' },
    outcome,
  });
  const remembered = async (reply: Reply) => {
    await store.rememberAnswer(reply);
    return reply.requestId;
  };

  beforeAll(() => {
    raw = connect();
    store = new FeedbackStore(connect(), prefix);
  });
  afterAll(async () => {
    for (const c of connections) c.disconnect();
    await dropPrefix(prefix);
  });

  it('a click on one platform cannot vote on another platform’s answer', async () => {
    const team = freshTeam();
    const id = await remembered(slackAnswer(team, 'C1'));
    expect(await store.vote(id, 'you', 'up', 'playground')).toEqual({ result: 'unknown-answer' });
    expect(await store.tallies({ platform: 'slack', workspace: team })).toEqual([]);
    expect((await store.vote(id, 'U1', 'up', 'slack')).result).toBe('recorded');
  });

  it('counts a vote once per user and answer: the same vote again is unchanged', async () => {
    const team = freshTeam();
    const id = await remembered(slackAnswer(team, 'C1'));
    const first = await store.vote(id, 'U1', 'up');
    expect(first).toEqual({
      result: 'recorded',
      answer: { platform: 'slack', workspace: team, channel: 'C1', task: 'summarize', model: 't5-tiny', template: 'summarize@3' },
    });
    expect((await store.vote(id, 'U1', 'up')).result).toBe('unchanged');
    expect(await store.voteOf(id, 'U1')).toBe('up');
    expect(await store.tallies({ platform: 'slack', workspace: team })).toEqual([
      { platform: 'slack', workspace: team, channel: 'C1', task: 'summarize', model: 't5-tiny', template: 'summarize@3', up: 1, down: 0 },
    ]);
  });

  it('a changed mind moves the count from one side to the other', async () => {
    const team = freshTeam();
    const id = await remembered(slackAnswer(team, 'C1'));
    await store.vote(id, 'U1', 'up');
    expect((await store.vote(id, 'U1', 'down')).result).toBe('changed');
    expect(await store.voteOf(id, 'U1')).toBe('down');
    expect(await store.tallies({ platform: 'slack', workspace: team })).toMatchObject([{ up: 0, down: 1 }]);
    expect((await store.vote(id, 'U1', 'up')).result).toBe('changed');
    expect(await store.tallies({ platform: 'slack', workspace: team })).toMatchObject([{ up: 1, down: 0 }]);
  });

  it('ten identical votes at once count once', async () => {
    const team = freshTeam();
    const id = await remembered(slackAnswer(team, 'C1'));
    // Separate connections, as separate bot instances handling the same click would use.
    const stores = Array.from({ length: 10 }, () => new FeedbackStore(connect(), prefix));
    const results = await Promise.all(stores.map((s) => s.vote(id, 'U1', 'up')));
    expect(results.filter((r) => r.result === 'recorded')).toHaveLength(1);
    expect(results.filter((r) => r.result === 'unchanged')).toHaveLength(9);
    expect(await store.tallies({ platform: 'slack', workspace: team })).toMatchObject([{ up: 1, down: 0 }]);
  });

  it('a vote on an answer Parley never delivered (or that expired) counts nothing', async () => {
    const team = freshTeam();
    expect(await store.vote('summarize-never-delivered', 'U1', 'up')).toEqual({ result: 'unknown-answer' });
    expect(await store.voteOf('summarize-never-delivered', 'U1')).toBeUndefined();
    expect(await store.tallies({ platform: 'slack', workspace: team })).toEqual([]);
  });

  it('a failure is not remembered, so it cannot be voted on', async () => {
    const reply: Reply = { ...slackAnswer(freshTeam(), 'C1'), outcome: { ok: false, code: 'NO_MODEL', userMessage: 'No model.' } };
    await store.rememberAnswer(reply);
    expect(await raw.exists(`${prefix}:feedback:answer:${reply.requestId}`)).toBe(0);
    expect((await store.vote(reply.requestId, 'U1', 'up')).result).toBe('unknown-answer');
  });

  it('keeps one tally per channel, task, model and template version, and filters by platform and workspace', async () => {
    const team = freshTeam();
    const other = freshTeam();
    const c1 = await remembered(slackAnswer(team, 'C1'));
    const c2 = await remembered(slackAnswer(team, 'C2'));
    const asked = await remembered(slackAnswer(team, 'C1', success('ask', 't5-tiny', 'ask@1')));
    const otherModel = await remembered(slackAnswer(team, 'C1', success('summarize', 'flan-t5-small', 'summarize@3')));
    const oldTemplate = await remembered(slackAnswer(team, 'C1', success('summarize', 't5-tiny', 'summarize@2')));
    const noTemplate = await remembered(slackAnswer(team, 'C1', success('summarize', 't5-tiny')));
    const elsewhere = await remembered(slackAnswer(other, 'C1'));
    // The same team and channel ids on Discord are another workspace.
    const discord = await remembered({
      requestId: `mention-${team}-${++n}`,
      target: { platform: 'discord', guildId: '123456', channelId: '654321', userId: '111' },
      outcome: success('summarize', 't5-tiny', 'summarize@3'),
    });
    for (const [id, user, vote] of [
      [c1, 'U1', 'up'],
      [c1, 'U2', 'up'],
      [c1, 'U3', 'down'],
      [c2, 'U1', 'down'],
      [asked, 'U1', 'up'],
      [otherModel, 'U1', 'down'],
      [oldTemplate, 'U1', 'up'],
      [noTemplate, 'U1', 'up'],
      [elsewhere, 'U1', 'up'],
      [discord, '111', 'down'],
    ] as const) {
      expect((await store.vote(id, user, vote)).result).toBe('recorded');
    }
    const key = (t: { channel: string; task: string; model: string; template: string }) => `${t.channel} ${t.task} ${t.model} ${t.template}`;
    const mine = await store.tallies({ platform: 'slack', workspace: team });
    expect(Object.fromEntries(mine.map((t) => [key(t), [t.up, t.down]]))).toEqual({
      'C1 summarize t5-tiny summarize@3': [2, 1],
      'C2 summarize t5-tiny summarize@3': [0, 1],
      'C1 ask t5-tiny ask@1': [1, 0],
      'C1 summarize flan-t5-small summarize@3': [0, 1],
      'C1 summarize t5-tiny summarize@2': [1, 0],
      'C1 summarize t5-tiny none': [1, 0],
    });
    expect(mine.every((t) => t.platform === 'slack' && t.workspace === team)).toBe(true);
    expect(await store.tallies({ platform: 'slack', workspace: other })).toMatchObject([{ workspace: other, channel: 'C1', up: 1, down: 0 }]);
    expect(await store.tallies({ platform: 'discord', workspace: '123456' })).toMatchObject([{ channel: '654321', up: 0, down: 1 }]);
    const all = await store.tallies();
    expect(all.length).toBeGreaterThanOrEqual(mine.length + 2);
    for (const t of all) expect(feedbackTallySchema.parse(t)).toEqual(t);
  });

  it('leaves out a tally field that does not read as Parley wrote it', async () => {
    const team = freshTeam();
    const id = await remembered(slackAnswer(team, 'C1'));
    await store.vote(id, 'U1', 'up');
    await raw.hset(`${prefix}:feedback:tallies`, 'not json|up', '3', `${JSON.stringify(['slack', team, 'C9'])}|up`, '2', `${JSON.stringify(['slack', team, 'C8', 'a', 'b', 'c'])}|sideways`, '1');
    expect(await store.tallies({ platform: 'slack', workspace: team })).toMatchObject([{ channel: 'C1', up: 1 }]);
  });

  it('says Parley cannot count votes when Redis is unreachable', async () => {
    const down = new Redis('redis://127.0.0.1:1', { maxRetriesPerRequest: 0, lazyConnect: true, retryStrategy: () => null });
    down.on('error', () => undefined);
    const offline = new FeedbackStore(down, prefix);
    const failed = await offline.vote('summarize-x', 'U1', 'up').catch((err: unknown) => err);
    expect(failed).toBeInstanceOf(BotError);
    expect(failed).toMatchObject({ code: 'FEEDBACK_UNAVAILABLE', permanent: false, userMessage: expect.stringContaining("can't count votes") });
    await expect(offline.tallies()).rejects.toMatchObject({ code: 'FEEDBACK_UNAVAILABLE' });
    down.disconnect();
  });
});
