import type { Engine, GenerationOptions } from '@parley/engine';
import { replyJobSchema, type GenerationSettings, type ReplyDetails, type ReplyOutcome } from '@parley/jobs';
import { basename } from 'node:path';
import type { ModelEntry } from '../model-registry.js';

export interface Generated {
  text: string;
  promptTokens: number;
  newTokens: number;
  generationMs: number;
}

/**
 * One generation with the request's settings, and the figures a reply footer and the logs show.
 * With `onText`, the text so far is reported as it grows.
 */
export async function generateOnce(
  engine: Engine,
  prompt: string,
  generation: GenerationSettings,
  stop?: string[],
  onText?: (textSoFar: string) => void,
): Promise<Generated> {
  const started = performance.now();
  // Shots shape the prompt, not the decoding; unset fields fall back to the model's own config.
  const options = Object.fromEntries(Object.entries(generation).filter(([k, v]) => k !== 'shots' && v !== undefined)) as Partial<GenerationOptions>;
  const request = { ...options, ...(stop?.length && { stop }) };
  let r;
  if (onText) {
    const stream = engine.stream(prompt, request);
    let soFar = '';
    for await (const piece of stream) onText((soFar += piece));
    r = await stream.result;
  } else {
    r = await engine.generate(prompt, request);
  }
  return { text: r.text, promptTokens: r.promptTokens, newTokens: r.tokenIds.length, generationMs: Math.round(performance.now() - started) };
}

export function add(a: Generated, b: Generated): Generated {
  return { text: b.text, promptTokens: a.promptTokens + b.promptTokens, newTokens: a.newTokens + b.newTokens, generationMs: a.generationMs + b.generationMs };
}

export const NOTHING: Generated = { text: '', promptTokens: 0, newTokens: 0, generationMs: 0 };

export function modelLabel(model: ModelEntry, engine: Engine): Extract<ReplyOutcome, { ok: true }>['model'] {
  return { name: model.name === 'default' ? basename(engine.info.modelDir) : model.name, isRandomTestModel: engine.info.isRandomTestModel };
}

/** A successful outcome, validated against the contract the bot reads. */
export function success(fields: {
  task: 'summarize' | 'translate' | 'entities' | 'ask';
  text: string;
  details: ReplyDetails;
  model: ModelEntry;
  engine: Engine;
  covered: number;
  inThread: number;
  generation: GenerationSettings;
  generated: Generated;
  prompt: { template: string; examples?: readonly string[] };
}): ReplyOutcome {
  const { generated: g } = fields;
  return replyJobSchema.shape.outcome.parse({
    ok: true,
    task: fields.task,
    text: fields.text,
    details: fields.details,
    model: modelLabel(fields.model, fields.engine),
    messagesCovered: fields.covered,
    messagesInThread: fields.inThread,
    generation: fields.generation,
    stats: { promptTokens: g.promptTokens, newTokens: g.newTokens, generationMs: g.generationMs },
    prompt: { template: fields.prompt.template, examples: [...(fields.prompt.examples ?? [])] },
  });
}
