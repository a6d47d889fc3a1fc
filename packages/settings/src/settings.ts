import { z } from 'zod';
import { SettingsError, shown } from './errors.js';
import { closest } from './suggest.js';

/** The engine's ranges (packages/engine generation-config), repeated here: settings import no engine. */
export const SETTINGS_LIMITS = {
  maxTemperature: 100,
  maxTopK: 100_000,
  maxNewTokens: 4096,
  maxRepetitionPenalty: 100,
  maxSeed: 2 ** 32 - 1,
  maxShots: 8,
  maxLanguageChars: 60,
} as const;

const L = SETTINGS_LIMITS;

export const SETTING_KEYS = ['doSample', 'temperature', 'topK', 'topP', 'maxNewTokens', 'repetitionPenalty', 'seed', 'shots', 'targetLanguage'] as const;
export type SettingKey = (typeof SETTING_KEYS)[number];

/** How one setting is named to users, what it allows in words, and its schema. */
interface FieldSpec<T> {
  name: string;
  allowed: string;
  schema: z.ZodType<T>;
}

function message(name: string, allowed: string, input: unknown): string {
  return `${name} must be ${allowed} (got ${shown(input)})`;
}

// Each field checks type and range in one refinement, so every failure carries the same message.
function numberField(name: string, allowed: string, ok: (v: number) => boolean): FieldSpec<number> {
  const error = (iss: { input?: unknown }) => message(name, allowed, iss.input);
  return { name, allowed, schema: z.number({ error }).refine((v) => Number.isFinite(v) && ok(v), { error }) };
}

function intField(name: string, min: number, max: number): FieldSpec<number> {
  return numberField(name, `an integer from ${min} to ${max}`, (v) => Number.isInteger(v) && v >= min && v <= max);
}

function aboveZeroField(name: string, max: number): FieldSpec<number> {
  return numberField(name, `a number above 0 and at most ${max}`, (v) => v > 0 && v <= max);
}

const doSampleAllowed = 'true or false';
const languageAllowed = `a language name or code of at most ${L.maxLanguageChars} characters`;

export const SETTING_FIELDS = {
  doSample: {
    name: 'do_sample',
    allowed: doSampleAllowed,
    schema: z.boolean({ error: (iss) => message('do_sample', doSampleAllowed, iss.input) }),
  } satisfies FieldSpec<boolean>,
  temperature: aboveZeroField('temperature', L.maxTemperature),
  topK: intField('top_k', 0, L.maxTopK),
  topP: aboveZeroField('top_p', 1),
  maxNewTokens: intField('max_new_tokens', 1, L.maxNewTokens),
  repetitionPenalty: aboveZeroField('repetition_penalty', L.maxRepetitionPenalty),
  seed: intField('seed', 0, L.maxSeed),
  shots: intField('shots', 0, L.maxShots),
  targetLanguage: {
    name: 'target_language',
    allowed: languageAllowed,
    schema: z
      .string({ error: (iss) => message('target_language', languageAllowed, iss.input) })
      .refine((s) => s.trim().length > 0 && s.length <= L.maxLanguageChars, {
        error: (iss) => message('target_language', languageAllowed, iss.input),
      }),
  } satisfies FieldSpec<string>,
} as const;

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
