import { SETTING_FIELDS, type Settings } from '@parley/settings';
import { z } from 'zod';

/**
 * The effective generation settings of a request; they travel with the job and back in the
 * reply. Each field is the settings contract's own schema (its range lives there only); the
 * length is required here, and the target language is not a decoding setting.
 */
export const generationSettingsSchema = z.object({
  maxNewTokens: SETTING_FIELDS.maxNewTokens.schema,
  /** Worked examples put in the prompt (zero-, one- or few-shot), as many as fit. */
  shots: SETTING_FIELDS.shots.schema.optional(),
  doSample: SETTING_FIELDS.doSample.schema.optional(),
  temperature: SETTING_FIELDS.temperature.schema.optional(),
  topK: SETTING_FIELDS.topK.schema.optional(),
  topP: SETTING_FIELDS.topP.schema.optional(),
  repetitionPenalty: SETTING_FIELDS.repetitionPenalty.schema.optional(),
  seed: SETTING_FIELDS.seed.schema.optional(),
});
export type GenerationSettings = z.infer<typeof generationSettingsSchema>;

/** Every field of GenerationSettings, each possibly undefined: naming them all is checked by the compiler. */
type EveryField<T> = { [K in keyof Required<T>]: T[K] | undefined };

/** `fields` without its undefined values, so an unset field stays absent (exact optional properties). */
function defined<T extends object>(fields: EveryField<T>): T {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out as T;
}

/**
 * The job's generation settings from the effective (layered) settings, over the adapter's
 * default length. Every field is named: a setting added to the contract fails to compile here
 * until it is carried (or left out on purpose, as the target language is: it belongs to the
 * translate task, not to decoding).
 */
export function generationFrom(settings: Readonly<Settings>, defaultMaxNewTokens: number): GenerationSettings {
  return defined<GenerationSettings>({
    maxNewTokens: settings.maxNewTokens ?? defaultMaxNewTokens,
    shots: settings.shots,
    doSample: settings.doSample,
    temperature: settings.temperature,
    topK: settings.topK,
    topP: settings.topP,
    repetitionPenalty: settings.repetitionPenalty,
    seed: settings.seed,
  });
}
