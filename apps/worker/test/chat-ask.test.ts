import { askJobSchema, PARLEY_AUTHOR, type AskJob, type ConversationMessage } from '@parley/jobs';
import { hasPingableMention } from '@parley/prompts';
import { createLogger } from '@parley/service-kit';
import { ensureTinyCausalLM, ensureTinySeq2Seq } from '@parley/tiny-models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MODEL_CACHE } from '../../../test/helpers/paths.js';
import { EnginePool } from '../src/engine-pool.js';
import { ModelRegistry } from '../src/model-registry.js';
import { ask, earlierTurns } from '../src/tasks/ask.js';
import type { TaskContext } from '../src/tasks/task-context.js';

const log = createLogger('test', 'silent');
const turn = (i: number, author: string, text: string): ConversationMessage => ({ id: `17902000${i}.000100`, author, text, isBot: false });
const CHAT = [
  turn(1, 'Maya', 'What should we name the release? <!here>'),
  turn(2, PARLEY_AUTHOR, 'How about Lighthouse?'),
  turn(3, 'Maya', 'Why that name?'),
  turn(4, PARLEY_AUTHOR, 'It guides ships home.'),
];
const job = (fields: Partial<AskJob>): AskJob =>
  askJobSchema.parse({
    version: 1,
    task: 'ask',
    requestId: 'chat-1',
    target: { platform: 'demo', runId: 'run-1' },
    messages: CHAT,
    generation: { maxNewTokens: 4 },
    question: 'And who announces it?',
    chat: true,
    ...fields,
  });

/** The ask task on real engines: the tiny T5 (transcript prompt) and the tiny Qwen2 (its chat template). */
describe('ask as a chat turn', () => {
  const pools: EnginePool[] = [];
  const contexts = {} as Record<'t5' | 'qwen2', TaskContext>;

  beforeAll(async () => {
    const models = {
      t5: await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE }),
      qwen2: await ensureTinyCausalLM({ cacheDir: MODEL_CACHE, variant: 'qwen2' }),
    };
    for (const [name, path] of Object.entries(models) as ['t5' | 'qwen2', string][]) {
      const registry = ModelRegistry.single(path);
      const pool = await EnginePool.start(registry, { intraOpThreads: 1 }, log);
      pools.push(pool);
      // The ask task reads only the registry, the engines and the log.
      contexts[name] = { registry, pool, log } as unknown as TaskContext;
    }
  }, 120_000);

  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it('an old ask job (no chat) still gets the thread prompt', async () => {
    const thread = job({});
    delete thread.chat;
    const outcome = await ask(contexts.t5, thread);
    expect(outcome).toMatchObject({ ok: true, prompt: { template: 'ask/t5@1' }, messagesCovered: 4, messagesInThread: 4 });
    expect(outcome.ok && outcome.details).toEqual({ kind: 'answer', answered: expect.any(Boolean) });
  });

  it('a seq2seq model gets the chat transcript; the reply counts the earlier turns it saw and cannot ping', async () => {
    const outcome = await ask(contexts.t5, job({ messages: [...CHAT, { ...turn(5, 'Omar', 'a bot says hi'), isBot: true }] }));
    expect(outcome).toMatchObject({ ok: true, task: 'ask', prompt: { template: 'chat/t5@1', examples: [] }, messagesCovered: 4, messagesInThread: 4, details: { kind: 'answer', chat: true } });
    expect(outcome.ok && hasPingableMention(outcome.text)).toBe(false);
  });

  it('a first message, sent as its own context, is no earlier turn', async () => {
    const question = 'What can you do?';
    const outcome = await ask(contexts.t5, job({ question, messages: [turn(1, 'Maya', question)] }));
    expect(outcome).toMatchObject({ ok: true, messagesCovered: 0, messagesInThread: 0 });
    expect(earlierTurns([turn(1, 'Maya', 'hi'), turn(2, PARLEY_AUTHOR, 'hi')], 'hi')).toHaveLength(2);
  });

  it("a chat model gets its chat template; a chat longer than the window keeps the latest turns", async () => {
    const engine = contexts.qwen2.pool.engine(contexts.qwen2.registry.modelFor('ask'));
    const long = Array.from({ length: 40 }, (_, i) => turn(10 + i, i % 2 === 0 ? 'Maya' : PARLEY_AUTHOR, `turn ${i} is short`));
    const outcome = await ask(contexts.qwen2, job({ messages: long }));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    expect(outcome.prompt?.template).toBe('chat/chat@1');
    expect(outcome.messagesInThread).toBe(40);
    expect(outcome.messagesCovered).toBeGreaterThan(0);
    expect(outcome.messagesCovered).toBeLessThan(40);
    expect(outcome.stats.promptTokens).toBeLessThanOrEqual(engine.info.maxInputTokens - 4);
  });
});
