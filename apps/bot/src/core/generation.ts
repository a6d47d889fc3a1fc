import type { GenerationSettings } from '@parley/jobs';
import type { Settings } from '@parley/settings';

/** The effective settings as the job carries them: the layers' result over the bot's defaults. */
export function generationFrom(settings: Readonly<Settings>, defaultMaxNewTokens: number): GenerationSettings {
  // The target language is a translate-command default, not a decoding setting.
  const decoding = Object.fromEntries(Object.entries(settings).filter(([k, v]) => k !== 'targetLanguage' && v !== undefined));
  return { ...decoding, maxNewTokens: settings.maxNewTokens ?? defaultMaxNewTokens };
}

/** A translation without a language goes into the channel's `target_language` setting, else this. */
export const DEFAULT_TARGET_LANGUAGE = 'English';
