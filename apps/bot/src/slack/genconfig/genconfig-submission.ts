import { isCodedError } from '@parley/errors';
import { parseSetting, presetNamed, PRESETS, type PresetName, type SettingsChanges } from '@parley/settings';
import { z } from 'zod';
import { ACTION_ID, FORM_FIELDS, INHERIT, PRESET_BLOCK_ID, type FormField } from './genconfig-fields.js';
import type { FormTarget } from './genconfig-view.js';

// A submission is user input (and can be forged): its state and metadata are parsed, never trusted.
const stateValueSchema = z.object({
  type: z.string(),
  value: z.string().nullish(),
  selected_option: z.object({ value: z.string() }).nullish(),
});
const stateSchema = z.record(z.string(), z.record(z.string(), stateValueSchema));
const targetSchema = z.strictObject({ team: z.string().min(1).max(100), channel: z.string().min(1).max(100) });

export type FormReading = { ok: true; changes: SettingsChanges; preset?: PresetName } | { ok: false; errors: Record<string, string> };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** The form's target, or undefined when the metadata is not what the form was opened with. */
export function readFormTarget(privateMetadata: string): FormTarget | undefined {
  try {
    const parsed = targetSchema.safeParse(JSON.parse(privateMetadata));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function rawValue(state: z.infer<typeof stateSchema>, blockId: string): string | undefined {
  const entry = state[blockId]?.[ACTION_ID];
  const raw = (entry?.selected_option?.value ?? entry?.value ?? '').trim();
  return raw === '' || raw === INHERIT ? undefined : raw;
}

function typed(field: FormField, raw: string): unknown {
  if (field.key === 'doSample') return raw === 'sample' ? true : raw === 'greedy' ? false : raw;
  return NUMBER.test(raw) ? Number(raw) : raw;
}

/**
 * Reads a submitted /genconfig form into a change set over the form's settings: a value sets the
 * setting, an empty input (or "inherit") clears it. A preset replaces the fields it sets. Every bad
 * input is reported, keyed by its block id, as Slack shows errors under the inputs.
 */
export function readGenconfigForm(values: unknown): FormReading {
  const state = stateSchema.safeParse(values);
  if (!state.success) return { ok: false, errors: { [FORM_FIELDS[0]!.blockId]: 'This form could not be read. Please open it again with /genconfig.' } };
  const changes: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const field of FORM_FIELDS) {
    const raw = rawValue(state.data, field.blockId);
    try {
      changes[field.key] = raw === undefined ? null : parseSetting(field.key, typed(field, raw));
    } catch (err) {
      if (!isCodedError(err)) throw err;
      errors[field.blockId] = err.userMessage;
    }
  }
  let preset: PresetName | undefined;
  const presetRaw = rawValue(state.data, PRESET_BLOCK_ID);
  if (presetRaw !== undefined) {
    try {
      preset = presetNamed(presetRaw);
    } catch (err) {
      if (!isCodedError(err)) throw err;
      errors[PRESET_BLOCK_ID] = err.userMessage;
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, changes: { ...(changes as SettingsChanges), ...(preset && PRESETS[preset]) }, ...(preset && { preset }) };
}
