import type { Engine, GenerationOptions } from '@parley/engine';
import type { GenerationSettings } from '@parley/jobs';

/** One generation's text, and the figures a reply footer and the logs show. */
export interface GenerationRun {
  text: string;
  promptTokens: number;
  newTokens: number;
  generationMs: number;
}

/** The figures of no run at all: where a total over several runs starts (see `addRun`). */
export const NO_RUN: GenerationRun = { text: '', promptTokens: 0, newTokens: 0, generationMs: 0 };

/** A running total over several runs (e.g. one per message): the latest run's text, every run's figures summed. */
export function addRun(total: GenerationRun, run: GenerationRun): GenerationRun {
  return {
    text: run.text,
    promptTokens: total.promptTokens + run.promptTokens,
    newTokens: total.newTokens + run.newTokens,
    generationMs: total.generationMs + run.generationMs,
  };
}

/**
 * The engine's options for a request's generation settings, field by field. Shots shape the
 * prompt, not the decoding, so they are not among them; a field the request leaves unset stays
 * absent, and the model's own generation_config decides it.
 */
export function decodingOptions(settings: GenerationSettings): Partial<GenerationOptions> {
  const { maxNewTokens, doSample, temperature, topK, topP, repetitionPenalty, seed } = settings;
  return {
    maxNewTokens,
    ...(doSample !== undefined && { doSample }),
    ...(temperature !== undefined && { temperature }),
    ...(topK !== undefined && { topK }),
    ...(topP !== undefined && { topP }),
    ...(repetitionPenalty !== undefined && { repetitionPenalty }),
    ...(seed !== undefined && { seed }),
  };
}

/**
 * One generation with the request's settings (and the prompt's stop strings). With `onText`, the
 * text so far is reported as it grows.
 */
export async function runGeneration(
  engine: Engine,
  prompt: string,
  settings: GenerationSettings,
  stop?: string[],
  onText?: (textSoFar: string) => void,
): Promise<GenerationRun> {
  const started = performance.now();
  const request = { ...decodingOptions(settings), ...(stop?.length && { stop }) };
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
