export { SettingsError, type SettingsErrorCode } from './errors.js';
export {
  parseChanges,
  parseSetting,
  parseSettings,
  SETTING_FIELDS,
  SETTING_KEYS,
  SETTING_NAMES,
  settingKeyOf,
  settingsChangesSchema,
  settingsSchema,
  suggestSetting,
  type FieldSpec,
  type SettingKey,
  type Settings,
  type SettingsChanges,
  type SettingValue,
} from './settings.js';
export { describeRange, inRange, SETTING_RANGES, type SettingRange } from './ranges.js';
export { describeSettings, SAMPLING_ONLY_KEYS, samplingOnlyNote } from './describe.js';
export { SETTING_HELP } from './help.js';
export { LAYERS, layerSettings, type Layer, type SettingsLayers } from './layering.js';
export { parseOverrides, type ParsedOverrides } from './overrides.js';
export { isPresetName, PRESET_NAMES, presetNamed, PRESETS, type PresetName } from './presets.js';
