import type { Engine } from '@parley/engine';
import type { Task } from '@parley/jobs';
import type { Logger } from '@parley/service-kit';
import type { FlowProducer } from 'bullmq';
import type { EnginePool } from '../engine-pool.js';
import type { ModelEntry, ModelRegistry } from '../model-registry.js';
import type { Replies } from '../replies.js';

/** What every task pipeline may use. */
export interface TaskContext {
  registry: ModelRegistry;
  pool: EnginePool;
  replies: Replies;
  flows: FlowProducer;
  queue: string;
  log: Logger;
  /** Partial reply text for streaming adapters, published at a bounded rate (set per job). */
  progress?: (text: string) => void;
}

export function engineFor(ctx: TaskContext, task: Task, pair?: Parameters<ModelRegistry['modelFor']>[1]): { model: ModelEntry; engine: Engine } {
  const model = ctx.registry.modelFor(task, pair);
  return { model, engine: ctx.pool.engine(model) };
}

/** Tokens the prompt may use: the whole window for an encoder, minus the reply for a decoder-only model. */
export function promptBudget(engine: Engine, maxNewTokens: number): number {
  const window = engine.info.maxInputTokens;
  return engine.info.family === 'causal' ? window - maxNewTokens : window;
}
