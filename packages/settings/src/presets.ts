import { SettingsError, shown } from './errors.js';
import type { Settings } from './settings.js';
import { closest } from './suggest.js';

export const PRESET_NAMES = ['precise', 'balanced', 'creative'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Named bundles of sampling settings; they leave length, shots, seed and language alone. */
export const PRESETS: Readonly<Record<PresetName, Readonly<Settings>>> = Object.freeze({
  precise: Object.freeze({ doSample: false }),
  balanced: Object.freeze({ doSample: true, temperature: 0.7, topP: 0.9, topK: 50 }),
  // top_k 0 turns top-k off, so only top-p trims the tail.
  creative: Object.freeze({ doSample: true, temperature: 1.1, topP: 0.95, topK: 0 }),
});

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/** The preset a user named (any case); an unknown name throws a SettingsError with the closest preset. */
export function presetNamed(name: string): PresetName {
  const lower = name.toLowerCase();
  if (isPresetName(lower)) return lower;
  const hint = closest(lower, new Map(PRESET_NAMES.map((p) => [p, p])));
  throw new SettingsError(
    'UNKNOWN_PRESET',
    `preset must be one of ${PRESET_NAMES.join(', ')} (got ${shown(name)}).${hint ? ` Did you mean ${hint}?` : ''}`,
    'preset',
  );
}
