/**
 * What each setting accepts, as data: the one place the ranges are written. The settings
 * schemas, the job contract's schema and the "allowed" wording in every error are built from it,
 * and UIs (the playground's fields, Slack's form) read their min and max from it. The engine
 * checks the same ranges on its own (it imports no Parley package); test/settings-contract.test.ts
 * proves the two agree.
 */
export type SettingRange =
  | { readonly kind: 'boolean' }
  /** A whole number from `min` to `max`, both included. */
  | { readonly kind: 'int'; readonly min: number; readonly max: number }
  /** A finite number up to `max` (included), from `min` (included), or above it when `minExclusive`. */
  | { readonly kind: 'number'; readonly min: number; readonly max: number; readonly minExclusive: boolean }
  /** Text that is not blank, of at most `maxLength` characters. */
  | { readonly kind: 'string'; readonly maxLength: number };

/** Every setting's range, by setting key. Literal types: `SETTING_RANGES.maxNewTokens.max` is `4096`. */
export const SETTING_RANGES = {
  doSample: { kind: 'boolean' },
  temperature: { kind: 'number', min: 0, minExclusive: true, max: 100 },
  topK: { kind: 'int', min: 0, max: 100_000 },
  topP: { kind: 'number', min: 0, minExclusive: true, max: 1 },
  maxNewTokens: { kind: 'int', min: 1, max: 4096 },
  repetitionPenalty: { kind: 'number', min: 0, minExclusive: true, max: 100 },
  seed: { kind: 'int', min: 0, max: 4_294_967_295 },
  shots: { kind: 'int', min: 0, max: 8 },
  targetLanguage: { kind: 'string', maxLength: 60 },
} as const satisfies Readonly<Record<string, SettingRange>>;

/** Whether `value` is within `range` (of the right type too). */
export function inRange(range: SettingRange, value: unknown): boolean {
  switch (range.kind) {
    case 'boolean':
      return typeof value === 'boolean';
    case 'int':
      return typeof value === 'number' && Number.isInteger(value) && value >= range.min && value <= range.max;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) && (range.minExclusive ? value > range.min : value >= range.min) && value <= range.max;
    case 'string':
      return typeof value === 'string' && value.trim().length > 0 && value.length <= range.maxLength;
  }
}

/**
 * The range in words, as error messages end: "an integer from 1 to 4096", "a number above 0 and
 * at most 100". `noun` names what a string holds ("a language name or code").
 */
export function describeRange(range: SettingRange, noun = 'text'): string {
  switch (range.kind) {
    case 'boolean':
      return 'true or false';
    case 'int':
      return `an integer from ${range.min} to ${range.max}`;
    case 'number':
      return range.minExclusive ? `a number above ${range.min} and at most ${range.max}` : `a number from ${range.min} to ${range.max}`;
    case 'string':
      return `${noun} of at most ${range.maxLength} characters`;
  }
}
