import { SETTING_KEYS, type Settings } from './settings.js';

/** Where settings come from, lowest first: each layer overrides the ones before it. */
export const LAYERS = ['model', 'workspace', 'channel', 'command'] as const;
export type Layer = (typeof LAYERS)[number];

export type SettingsLayers = { [L in Layer]?: Settings | undefined };

/**
 * The effective settings: the model's generation_config, then the workspace (or guild) default,
 * then the channel, then the per-command override. A field a layer leaves unset (or undefined)
 * shows the layer below through.
 */
export function layerSettings(layers: SettingsLayers): Readonly<Settings> {
  const effective: Record<string, unknown> = {};
  for (const layer of LAYERS) {
    const settings = layers[layer];
    if (!settings) continue;
    for (const key of SETTING_KEYS) {
      const value = settings[key];
      if (value !== undefined) effective[key] = value;
    }
  }
  return Object.freeze(effective as Settings);
}
