import { PRESET_NAMES, PRESETS, SETTING_HELP, SETTING_RANGES, type PresetName, type SettingKey } from '@parley/settings';

/** One input of the /genconfig form: the setting it edits, its block id, and what users read. */
export interface FormField {
  key: SettingKey;
  blockId: string;
  label: string;
  /** One line under the input saying what the setting does. */
  hint: string;
  /** A number input's bounds come from the settings contract; `min` only where the contract's minimum is itself allowed. */
  input: { kind: 'number'; decimal: boolean; min?: number; max: number } | { kind: 'select'; options: readonly FormOption[] };
}

export interface FormOption {
  value: string;
  text: string;
}

/** The value of a select option that leaves the setting unset, so the workspace default shows through. */
export const INHERIT = 'inherit';
/** Every input's action id; inputs are told apart by block id. */
export const ACTION_ID = 'value';
export const GENCONFIG_CALLBACK_ID = 'genconfig_form';
export const PRESET_BLOCK_ID = 'preset';

const fewShot = Array.from({ length: SETTING_RANGES.shots.max - 1 }, (_, i) => ({ value: String(i + 2), text: `Few-shot: ${i + 2} examples` }));

type NumericKey = 'temperature' | 'topK' | 'topP' | 'maxNewTokens' | 'repetitionPenalty' | 'seed';

/** A number input for a setting, bounded as the settings contract bounds it. */
function numberField(key: NumericKey, blockId: string): FormField {
  const range = SETTING_RANGES[key];
  const min = range.kind === 'int' || !range.minExclusive ? { min: range.min } : {};
  return { key, blockId, ...SETTING_HELP[key], input: { kind: 'number', decimal: range.kind === 'number', ...min, max: range.max } };
}

export const FORM_FIELDS: readonly FormField[] = [
  {
    key: 'doSample',
    blockId: 'decoding',
    ...SETTING_HELP.doSample,
    input: {
      kind: 'select',
      options: [
        { value: 'greedy', text: 'Greedy' },
        { value: 'sample', text: 'Sample' },
      ],
    },
  },
  numberField('temperature', 'temperature'),
  numberField('topK', 'top_k'),
  numberField('topP', 'top_p'),
  numberField('maxNewTokens', 'max_new_tokens'),
  numberField('repetitionPenalty', 'repetition_penalty'),
  numberField('seed', 'seed'),
  {
    key: 'shots',
    blockId: 'shots',
    ...SETTING_HELP.shots,
    input: {
      kind: 'select',
      options: [{ value: '0', text: 'Zero-shot: no examples' }, { value: '1', text: 'One-shot: 1 example' }, ...fewShot],
    },
  },
];

/** The settings the form edits; others (e.g. the target language) are left as they are. */
export const FORM_KEYS: readonly SettingKey[] = FORM_FIELDS.map((f) => f.key);

function presetLine(name: PresetName): string {
  const p = PRESETS[name];
  if (!p.doSample) return `${name}: greedy`;
  return `${name}: temperature ${p.temperature}, top-p ${p.topP}, top-k ${p.topK === 0 ? 'off' : p.topK}`;
}

export const PRESET_HINT = `Replaces decoding, temperature, top-k and top-p with a tested mix. ${PRESET_NAMES.map(presetLine).join('; ')}.`;
