import { SETTING_RANGES } from './ranges.js';
import type { SettingKey } from './settings.js';

/** What each decoding setting is called and does, in one line, for every surface that edits settings. */
export const SETTING_HELP: Readonly<Record<Exclude<SettingKey, 'targetLanguage'>, { label: string; hint: string }>> = {
  doSample: {
    label: 'Decoding',
    hint: 'Greedy always takes the most likely next word: steady, repeatable answers. Sample draws among likely words, shaped by the settings below.',
  },
  temperature: {
    label: 'Temperature',
    hint: 'Sampling only. Below 1 sharpens the odds toward likely words (focused); above 1 flattens them (varied, riskier).',
  },
  topK: { label: 'Top-k', hint: 'Sampling only. Draws only among the k most likely words; 0 turns this off.' },
  topP: { label: 'Top-p', hint: 'Sampling only. Draws among the fewest likely words whose odds add up to p (0.9 = 90%); 1 turns this off.' },
  maxNewTokens: {
    label: 'Max new tokens',
    hint: `The longest answer, in tokens (word pieces), up to ${SETTING_RANGES.maxNewTokens.max}. Longer answers take longer.`,
  },
  repetitionPenalty: { label: 'Repetition penalty', hint: 'Above 1 makes words already used less likely, against loops; 1 is off.' },
  seed: { label: 'Seed', hint: 'Sampling only. With a seed, the same thread and settings give the same answer again.' },
  shots: {
    label: 'Examples (shots)',
    hint: 'Worked examples put in the prompt before the thread: zero, one or a few. They steer the format but take room from the thread.',
  },
};
