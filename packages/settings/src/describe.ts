import { SETTING_FIELDS, type SettingKey, type Settings } from './settings.js';

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

/** Settings that only steer sampling: under greedy decoding they are kept but change nothing. */
export const SAMPLING_ONLY_KEYS = ['temperature', 'topK', 'topP', 'seed'] as const satisfies readonly SettingKey[];

/**
 * Said after a change that saved sampling-only settings while the channel decodes greedily (they
 * are kept, but change nothing): "This channel decodes greedily, so temperature changes nothing
 * until you add `sample`." Empty when there is nothing to say.
 */
export function samplingOnlyNote(changed: readonly string[], effective: Settings): string {
  if (effective.doSample === true) return '';
  const ignored = SAMPLING_ONLY_KEYS.filter((k) => changed.includes(k) && effective[k] !== undefined).map((k) => SETTING_FIELDS[k].name);
  if (!ignored.length) return '';
  const names = ignored.length === 1 ? ignored[0]! : `${ignored.slice(0, -1).join(', ')} and ${ignored.at(-1)!}`;
  return `This channel decodes greedily, so ${names} ${ignored.length === 1 ? 'changes' : 'change'} nothing until you add \`sample\`.`;
}
