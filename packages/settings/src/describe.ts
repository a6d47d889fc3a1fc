import type { Settings } from './settings.js';

/**
 * One line for a reply footer, e.g. "sampling, temperature 0.7, top-p 0.9, top-k 50, max 128
 * tokens, 2-shot, seed 42". Only what is set is shown; sampling knobs and the seed are left out
 * when decoding is greedy (the engine's default), since they change nothing then.
 */
export function describeSettings(effective: Settings): string {
  const parts: string[] = [];
  if (effective.doSample === true) {
    parts.push('sampling');
    if (effective.temperature !== undefined) parts.push(`temperature ${effective.temperature}`);
    if (effective.topP !== undefined) parts.push(effective.topP === 1 ? 'top-p off' : `top-p ${effective.topP}`);
    if (effective.topK !== undefined) parts.push(effective.topK === 0 ? 'top-k off' : `top-k ${effective.topK}`);
  } else {
    parts.push('greedy');
  }
  if (effective.repetitionPenalty !== undefined && effective.repetitionPenalty !== 1) parts.push(`repetition penalty ${effective.repetitionPenalty}`);
  if (effective.maxNewTokens !== undefined) parts.push(`max ${effective.maxNewTokens} ${effective.maxNewTokens === 1 ? 'token' : 'tokens'}`);
  if (effective.shots !== undefined) parts.push(`${effective.shots}-shot`);
  if (effective.doSample === true && effective.seed !== undefined) parts.push(`seed ${effective.seed}`);
  if (effective.targetLanguage !== undefined) parts.push(`into ${effective.targetLanguage}`);
  return parts.join(', ');
}
