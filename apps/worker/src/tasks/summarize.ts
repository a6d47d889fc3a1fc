import type { Engine } from '@parley/engine';
import type { ReplyOutcome, SummarizeChunkJob, SummarizeJob, SummarizeReduceJob } from '@parley/jobs';
import { defangMentions, parseSummary, SUMMARIZE_BANK } from '@parley/prompts';
import { chooseShots } from './shots.js';
import type { Job } from 'bullmq';
import type { ModelEntry } from '../model-registry.js';
import { NO_RUN, runGeneration, type GenerationRun } from './generation-run.js';
import { successOutcome } from './success-outcome.js';
import { chunkThread, reduceToOne, type SummaryPrompts } from './summary-plan.js';
import { engineFor, promptBudget, type TaskContext } from './task-context.js';

/**
 * Summarize a thread. If the whole thread fits the model's window it is summarized in one pass.
 * Otherwise it is cut into chunks on message boundaries and handed to BullMQ as a flow: one job
 * per chunk (any free worker takes them) under a reduce job that runs when all are done.
 */
export async function summarize(ctx: TaskContext, job: Job, data: SummarizeJob, prompts: SummaryPrompts): Promise<ReplyOutcome | null> {
  const { model, engine } = engineFor(ctx, 'summarize');
  const messages = data.messages.filter((m) => !m.isBot);
  const budget = promptBudget(engine, data.generation.maxNewTokens);
  const examples = await summaryShots(engine, prompts, data.generation, budget);
  const whole = prompts.thread(engine, messages, 1, examples);
  if ((await engine.countTokens(whole.text)) <= budget) {
    const run = await runGeneration(engine, whole.text, data.generation, undefined, ctx.progress);
    return outcome(engine, model, data, run, messages.length, whole, whole.refs ?? new Map());
  }

  const chunks = await chunkThread(engine, messages, budget, prompts, examples);
  await ctx.flows.add({
    name: 'summarize-reduce',
    queueName: ctx.queue,
    data: {
      version: 1,
      task: 'summarize-reduce',
      requestId: data.requestId,
      target: data.target,
      generation: data.generation,
      chunks: chunks.length,
      messagesInThread: messages.length,
    } satisfies SummarizeReduceJob,
    opts: { jobId: `${job.id}-reduce`, ...(job.opts.priority && { priority: job.opts.priority }) },
    children: chunks.map((chunk, i) => ({
      name: 'summarize-chunk',
      queueName: ctx.queue,
      data: {
        version: 1,
        task: 'summarize-chunk',
        requestId: data.requestId,
        chunk: i,
        firstRef: 1 + chunks.slice(0, i).reduce((n, c) => n + c.length, 0),
        statusTarget: data.target,
        of: chunks.length,
        messages: chunk,
        generation: data.generation,
      } satisfies SummarizeChunkJob,
      // A chunk that cannot be summarized fails the reduce job, which then replies with the failure.
      // Chunks keep their request's priority, so a huge thread does not jump the other channels.
      opts: {
        jobId: `${job.id}-chunk-${i}`,
        attempts: 3,
        backoff: { type: 'exponential', delay: 1000 },
        failParentOnFailure: true,
        ...(job.opts.priority && { priority: job.opts.priority }),
      },
    })),
  });
  ctx.log.info({ jobId: job.id, requestId: data.requestId, chunks: chunks.length, messages: messages.length }, 'summary split into a flow');
  return null;
}

/** The map step: one chunk's summary, returned as the job's value for the reduce step. */
export async function summarizeChunk(ctx: TaskContext, data: SummarizeChunkJob, prompts: SummaryPrompts): Promise<ChunkSummary> {
  const { engine } = engineFor(ctx, 'summarize');
  const examples = await summaryShots(engine, prompts, data.generation, promptBudget(engine, data.generation.maxNewTokens));
  const prompt = prompts.thread(engine, data.messages, data.firstRef, examples);
  const run = await runGeneration(engine, prompt.text, data.generation);
  return { chunk: data.chunk, summary: run.text, messages: new Set(data.messages.map((m) => m.id)).size, refs: [...(prompt.refs ?? [])] };
}

interface ChunkSummary {
  chunk: number;
  summary: string;
  /** Distinct messages in the chunk (the parts of a split message count once). */
  messages: number;
  refs: [string, string][];
}

/** The reduce step: combine the chunk summaries (recursively while they don't fit) and reply. */
export async function summarizeReduce(ctx: TaskContext, job: Job, data: SummarizeReduceJob, prompts: SummaryPrompts): Promise<ReplyOutcome> {
  const { model, engine } = engineFor(ctx, 'summarize');
  const values = Object.values(await job.getChildrenValues()) as ChunkSummary[];
  if (values.length !== data.chunks) throw new Error(`reduce found ${values.length} of ${data.chunks} chunk summaries`);
  values.sort((a, b) => a.chunk - b.chunk);
  const budget = promptBudget(engine, data.generation.maxNewTokens);
  let last: GenerationRun = NO_RUN;
  const reduced = await reduceToOne(engine, values.map((v) => v.summary), budget, prompts, async (prompt) => {
    last = await runGeneration(engine, prompt, data.generation, undefined, ctx.progress);
    return last.text;
  });
  const final = prompts.reduce(engine, [reduced.text]);
  const refs = new Map(values.flatMap((v) => v.refs));
  const covered = new Set(refs.values()).size;
  ctx.log.info({ jobId: job.id, requestId: data.requestId, chunks: values.length, levels: reduced.levels }, 'flow reduced');
  return outcome(engine, model, data, last, Math.min(covered, data.messagesInThread), final, refs, data.messagesInThread);
}

/** The same worked examples for the one-pass prompt and for every chunk of a thread. */
function summaryShots(engine: Engine, prompts: SummaryPrompts, generation: SummarizeJob['generation'], budget: number) {
  return chooseShots(engine, SUMMARIZE_BANK, generation.shots, budget, (examples) => ({
    ...prompts.thread(engine, [], 1, examples),
    examples: examples.map((e) => e.id),
  }));
}

function outcome(
  engine: Engine,
  model: ModelEntry,
  data: { generation: SummarizeJob['generation'] },
  run: GenerationRun,
  covered: number,
  prompt: { template: string; examples?: string[] },
  refs: Map<string, string>,
  inThread = covered,
): ReplyOutcome {
  const text = defangMentions(run.text);
  return successOutcome({
    task: 'summarize',
    text,
    details: { kind: 'summary', sections: parseSummary(text, refs).sections },
    model,
    engine,
    covered,
    inThread,
    generation: data.generation,
    run,
    prompt,
  });
}
