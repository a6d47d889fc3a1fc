import { PRESET_NAMES, PRESETS, SETTING_HELP, SETTINGS_LIMITS, type PresetName, type SettingKey } from '@parley/settings';

/** One input of the /genconfig form: the setting it edits, its block id, and what users read. */
export interface FormField {
  key: SettingKey;
  blockId: string;
  label: string;
  /** One line under the input saying what the setting does. */
  hint: string;
  input: { kind: 'number'; decimal: boolean } | { kind: 'select'; options: readonly FormOption[] };
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

const fewShot = Array.from({ length: SETTINGS_LIMITS.maxShots - 1 }, (_, i) => ({ value: String(i + 2), text: `Few-shot: ${i + 2} examples` }));

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
  {
    key: 'temperature',
    blockId: 'temperature',
    ...SETTING_HELP.temperature,
    input: { kind: 'number', decimal: true },
  },
  {
    key: 'topK',
    blockId: 'top_k',
    ...SETTING_HELP.topK,
    input: { kind: 'number', decimal: false },
  },
  {
    key: 'topP',
    blockId: 'top_p',
    ...SETTING_HELP.topP,
    input: { kind: 'number', decimal: true },
  },
  {
    key: 'maxNewTokens',
    blockId: 'max_new_tokens',
    ...SETTING_HELP.maxNewTokens,
    input: { kind: 'number', decimal: false },
  },
  {
    key: 'repetitionPenalty',
    blockId: 'repetition_penalty',
    ...SETTING_HELP.repetitionPenalty,
    input: { kind: 'number', decimal: true },
  },
  {
    key: 'seed',
    blockId: 'seed',
    ...SETTING_HELP.seed,
    input: { kind: 'number', decimal: false },
  },
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
