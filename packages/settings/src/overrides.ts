import { SettingsError, shown } from './errors.js';
import { presetNamed, PRESETS, type PresetName } from './presets.js';
import { parseSetting, SETTING_FIELDS, settingKeyOf, unknownSettingMessage, type SettingKey, type Settings } from './settings.js';

export interface ParsedOverrides {
  /** The preset (if one was named) with explicit settings on top, whatever their order. */
  overrides: Settings;
  preset?: PresetName;
  /** The text after the settings (a thread link, a question), exactly as typed. */
  rest: string;
}

/** Bare words that set do_sample. */
const FLAGS: Readonly<Record<string, boolean>> = { greedy: false, sample: true, sampling: true };
const BOOLEAN_WORDS: Readonly<Record<string, boolean>> = { ...FLAGS, true: true, false: false, yes: true, no: false, on: true, off: false, '1': true, '0': false };
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
const KEY = /[A-Za-z][A-Za-z0-9_-]*=/y;
const SPACE = /\s/;

/** Turns the typed text into the type the field expects; anything else goes on to fail validation. */
function typed(key: SettingKey, raw: string): unknown {
  if (key === 'targetLanguage') return raw;
  if (key === 'doSample') return BOOLEAN_WORDS[raw.toLowerCase()] ?? raw;
  return NUMBER.test(raw) ? Number(raw) : raw;
}

/** Reads a value at `start`: up to the next space, or a "quoted" / 'quoted' string. Returns it and where it ends. */
function readValue(text: string, start: number, key: string): [value: string, end: number] {
  const quote = text[start];
  if (quote === '"' || quote === "'") {
    const close = text.indexOf(quote, start + 1);
    if (close < 0) throw new SettingsError('INVALID_VALUE', `${shown(key)} has an opening ${quote} but no closing one`, key);
    if (close + 1 < text.length && !SPACE.test(text[close + 1]!)) {
      throw new SettingsError('INVALID_VALUE', `${shown(key)} needs a space after its closing ${quote}`, key);
    }
    return [text.slice(start + 1, close), close + 1];
  }
  let end = start;
  while (end < text.length && !SPACE.test(text[end]!)) end++;
  return [text.slice(start, end), end];
}

/**
 * Reads the settings a user typed before a command's argument, e.g.
 * `temperature=0.3 top_p=0.9 preset=creative shots=2 <thread link>` or `greedy seed=42 what was decided?`.
 *
 * Settings are the leading `key=value` tokens (snake_case or camelCase keys; quote values with
 * spaces) and the bare words `greedy` and `sample`; the first other token starts `rest`, which is
 * returned untouched. A `--` token ends the settings explicitly, for text that starts with "greedy".
 * Every bad key or value throws a SettingsError naming the setting, the value and the allowed range.
 */
export function parseOverrides(text: string): ParsedOverrides {
  const explicit: Record<string, unknown> = {};
  const given = new Map<SettingKey | 'preset', string>();
  let preset: PresetName | undefined;
  let at = 0;

  const note = (key: SettingKey | 'preset', token: string) => {
    const before = given.get(key);
    const name = key === 'preset' ? 'preset' : SETTING_FIELDS[key].name;
    if (before !== undefined) {
      throw new SettingsError('DUPLICATE_SETTING', `${name} is given twice (${shown(before)} and ${shown(token)}); give it once`, name);
    }
    given.set(key, token);
  };

  for (;;) {
    while (at < text.length && SPACE.test(text[at]!)) at++;
    if (at >= text.length) break;
    KEY.lastIndex = at;
    const keyMatch = KEY.exec(text);
    if (keyMatch) {
      const typedKey = keyMatch[0].slice(0, -1);
      const [raw, end] = readValue(text, at + keyMatch[0].length, typedKey);
      const token = text.slice(at, end);
      at = end;
      if (typedKey.toLowerCase() === 'preset') {
        note('preset', token);
        preset = presetNamed(raw);
        continue;
      }
      const key = settingKeyOf(typedKey);
      if (!key) throw new SettingsError('UNKNOWN_SETTING', unknownSettingMessage(typedKey, raw), typedKey);
      const field = SETTING_FIELDS[key];
      if (raw === '') throw new SettingsError('MISSING_VALUE', `${field.name} needs a value: ${field.allowed} (got ${shown(token)})`, field.name);
      note(key, token);
      explicit[key] = parseSetting(key, typed(key, raw));
      continue;
    }
    let end = at;
    while (end < text.length && !SPACE.test(text[end]!)) end++;
    const word = text.slice(at, end);
    if (word === '--') {
      at = end;
      while (at < text.length && SPACE.test(text[at]!)) at++;
      break;
    }
    const flag = FLAGS[word.toLowerCase()];
    if (flag === undefined) break;
    note('doSample', word);
    explicit['doSample'] = flag;
    at = end;
  }

  const overrides: Settings = { ...(preset ? PRESETS[preset] : {}), ...(explicit as Settings) };
  return { overrides, ...(preset && { preset }), rest: text.slice(at) };
}
