import { z } from 'zod';
import { SettingsError, shown } from './errors.js';
import { describeRange, inRange, SETTING_RANGES, type SettingRange } from './ranges.js';
import { closest } from './suggest.js';

export const SETTING_KEYS = ['doSample', 'temperature', 'topK', 'topP', 'maxNewTokens', 'repetitionPenalty', 'seed', 'shots', 'targetLanguage'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** How one setting is named to users, its range as data and in words, and its schema (built from the range). */
export interface FieldSpec<T, R extends SettingRange = SettingRange> {
  name: string;
  range: R;
  allowed: string;
  schema: z.ZodType<T>;
}

function message(name: string, allowed: string, input: unknown): string {
  return `${name} must be ${allowed} (got ${shown(input)})`;
}

// Each field checks type and range in one refinement, so every failure carries the same message.
function numberField<R extends Extract<SettingRange, { kind: 'int' | 'number' }>>(name: string, range: R): FieldSpec<number, R> {
  const allowed = describeRange(range);
  const error = (iss: { input?: unknown }) => message(name, allowed, iss.input);
  return { name, range, allowed, schema: z.number({ error }).refine((v) => inRange(range, v), { error }) };
}

function booleanField<R extends Extract<SettingRange, { kind: 'boolean' }>>(name: string, range: R): FieldSpec<boolean, R> {
  const allowed = describeRange(range);
  return { name, range, allowed, schema: z.boolean({ error: (iss) => message(name, allowed, iss.input) }) };
}

function stringField<R extends Extract<SettingRange, { kind: 'string' }>>(name: string, range: R, noun: string): FieldSpec<string, R> {
  const allowed = describeRange(range, noun);
  const error = (iss: { input?: unknown }) => message(name, allowed, iss.input);
  return { name, range, allowed, schema: z.string({ error }).refine((s) => inRange(range, s), { error }) };
}

const R = SETTING_RANGES;

/** Every setting: its user-facing name, its range (`SETTING_FIELDS[key].range` is `SETTING_RANGES[key]`), the range in words, its schema. */
export const SETTING_FIELDS = {
  doSample: booleanField('do_sample', R.doSample),
  temperature: numberField('temperature', R.temperature),
  topK: numberField('top_k', R.topK),
  topP: numberField('top_p', R.topP),
  maxNewTokens: numberField('max_new_tokens', R.maxNewTokens),
  repetitionPenalty: numberField('repetition_penalty', R.repetitionPenalty),
  seed: numberField('seed', R.seed),
  shots: numberField('shots', R.shots),
  targetLanguage: stringField('target_language', R.targetLanguage, 'a language name or code'),
} as const satisfies { [K in SettingKey]: FieldSpec<unknown> };

/** Every settable field, each optional: what a layer (model, workspace, channel, command) may set. */
export const settingsSchema = z.strictObject(
  {
    doSample: SETTING_FIELDS.doSample.schema.optional(),
    temperature: SETTING_FIELDS.temperature.schema.optional(),
    topK: SETTING_FIELDS.topK.schema.optional(),
    topP: SETTING_FIELDS.topP.schema.optional(),
    maxNewTokens: SETTING_FIELDS.maxNewTokens.schema.optional(),
    repetitionPenalty: SETTING_FIELDS.repetitionPenalty.schema.optional(),
    seed: SETTING_FIELDS.seed.schema.optional(),
    shots: SETTING_FIELDS.shots.schema.optional(),
    targetLanguage: SETTING_FIELDS.targetLanguage.schema.optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? unknownSettingMessage(iss.keys[0] ?? '') : undefined) },
);
export type Settings = z.infer<typeof settingsSchema>;
export type SettingValue<K extends SettingKey = SettingKey> = NonNullable<Settings[K]>;

/** A change to stored settings: a value sets the field, null clears it (the layer below shows through). */
export const settingsChangesSchema = z.strictObject(
  {
    doSample: SETTING_FIELDS.doSample.schema.nullable().optional(),
    temperature: SETTING_FIELDS.temperature.schema.nullable().optional(),
    topK: SETTING_FIELDS.topK.schema.nullable().optional(),
    topP: SETTING_FIELDS.topP.schema.nullable().optional(),
    maxNewTokens: SETTING_FIELDS.maxNewTokens.schema.nullable().optional(),
    repetitionPenalty: SETTING_FIELDS.repetitionPenalty.schema.nullable().optional(),
    seed: SETTING_FIELDS.seed.schema.nullable().optional(),
    shots: SETTING_FIELDS.shots.schema.nullable().optional(),
    targetLanguage: SETTING_FIELDS.targetLanguage.schema.nullable().optional(),
  },
  { error: (iss) => (iss.code === 'unrecognized_keys' ? unknownSettingMessage(iss.keys[0] ?? '') : undefined) },
);
export type SettingsChanges = z.infer<typeof settingsChangesSchema>;

// Key spellings are compared without case, "_" or "-", so top_p, topP and top-p are one key.
function normalize(key: string): string {
  return key.toLowerCase().replace(/[_-]/g, '');
}

const ALIASES: Readonly<Record<string, SettingKey>> = { language: 'targetLanguage', lang: 'targetLanguage', maxtokens: 'maxNewTokens' };
const SPELLINGS = new Map<string, SettingKey>([...SETTING_KEYS.map((k) => [normalize(k), k] as const), ...Object.entries(ALIASES)]);

/** The setting a user-typed key names (snake_case, camelCase or kebab-case), if any. */
export function settingKeyOf(key: string): SettingKey | undefined {
  return SPELLINGS.get(normalize(key));
}

/** The user-facing names, in the order users see them. */
export const SETTING_NAMES: readonly string[] = [...SETTING_KEYS.map((k) => SETTING_FIELDS[k].name), 'preset'];

/** The known name closest to an unknown key, if it looks like a typo of one. */
export function suggestSetting(key: string): string | undefined {
  const candidates = new Map<string, string>([...SPELLINGS].map(([spelling, k]) => [spelling, SETTING_FIELDS[k].name]));
  candidates.set('preset', 'preset');
  return closest(normalize(key), candidates);
}

export function unknownSettingMessage(key: string, value?: string): string {
  const got = value === undefined ? '' : ` (got ${shown(`${key}=${value}`)})`;
  const hint = suggestSetting(key);
  return `${shown(key)} is not a setting${got}.${hint ? ` Did you mean ${hint}?` : ''} Settings: ${SETTING_NAMES.join(', ')}.`;
}

/** Checks one field's value; a bad one throws a SettingsError naming setting, value and range. */
export function parseSetting<K extends SettingKey>(key: K, value: unknown): SettingValue<K> {
  const field = SETTING_FIELDS[key] as FieldSpec<SettingValue<K>>;
  const result = field.schema.safeParse(value);
  if (!result.success) throw new SettingsError('INVALID_VALUE', result.error.issues[0]!.message, field.name);
  return result.data;
}

function fromZod(error: z.ZodError): SettingsError {
  const issue = error.issues[0]!;
  if (issue.code === 'unrecognized_keys') return new SettingsError('UNKNOWN_SETTING', issue.message, issue.keys[0]);
  const key = issue.path[0];
  const name = typeof key === 'string' && key in SETTING_FIELDS ? SETTING_FIELDS[key as SettingKey].name : undefined;
  if (issue.code === 'invalid_type' && issue.path.length === 0) return new SettingsError('INVALID_VALUE', 'settings must be an object of setting names to values');
  return new SettingsError('INVALID_VALUE', issue.message, name);
}

/** Validates a whole settings object (from a user or from Redis); throws a SettingsError on the first bad field. */
export function parseSettings(input: unknown): Settings {
  const result = settingsSchema.safeParse(input);
  if (!result.success) throw fromZod(result.error);
  return result.data;
}

/** Validates a change set; throws a SettingsError on the first bad field. */
export function parseChanges(input: unknown): SettingsChanges {
  const result = settingsChangesSchema.safeParse(input);
  if (!result.success) throw fromZod(result.error);
  return result.data;
}
