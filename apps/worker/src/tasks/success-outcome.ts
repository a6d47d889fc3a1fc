import type { Engine } from '@parley/engine';
import { replyJobSchema, type GenerationSettings, type ReplyDetails, type ReplyOutcome, type Task } from '@parley/jobs';
import { basename } from 'node:path';
import type { ModelEntry } from '../model-registry.js';
import type { GenerationRun } from './generation-run.js';

type SuccessOutcome = Extract<ReplyOutcome, { ok: true }>;

/** The model as a reply names it: its registry name, or its folder's name for MODEL_DIR's single model. */
export function modelLabel(model: ModelEntry, engine: Engine): SuccessOutcome['model'] {
  return { name: model.name === 'default' ? basename(engine.info.modelDir) : model.name, isRandomTestModel: engine.info.isRandomTestModel };
}

/** A successful outcome, validated against the contract the bot reads. */
export function successOutcome(fields: {
  task: Task;
  text: string;
  details: ReplyDetails;
  model: ModelEntry;
  engine: Engine;
  covered: number;
  inThread: number;
  generation: GenerationSettings;
  run: GenerationRun;
  prompt: { template: string; examples?: readonly string[] };
}): ReplyOutcome {
  const { run } = fields;
  return replyJobSchema.shape.outcome.parse({
    ok: true,
    task: fields.task,
    text: fields.text,
    details: fields.details,
    model: modelLabel(fields.model, fields.engine),
    messagesCovered: fields.covered,
    messagesInThread: fields.inThread,
    generation: fields.generation,
    stats: { promptTokens: run.promptTokens, newTokens: run.newTokens, generationMs: run.generationMs },
    prompt: { template: fields.prompt.template, examples: [...(fields.prompt.examples ?? [])] },
  } satisfies SuccessOutcome);
}
