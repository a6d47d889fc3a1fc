import { invalidOption } from './errors.js';

export interface GenerationOptions {
  /** Stop after this many new tokens. */
  maxNewTokens: number;
}

export const MAX_NEW_TOKENS_LIMIT = 4096;

export const DEFAULT_GENERATION_OPTIONS: Readonly<GenerationOptions> = Object.freeze({ maxNewTokens: 128 });

/** Checks request options and returns a frozen copy; bad values name the parameter and range. */
export function validateGenerationOptions(options: Partial<GenerationOptions> = {}): Readonly<GenerationOptions> {
  const maxNewTokens = options.maxNewTokens ?? DEFAULT_GENERATION_OPTIONS.maxNewTokens;
  if (!Number.isInteger(maxNewTokens) || maxNewTokens < 1 || maxNewTokens > MAX_NEW_TOKENS_LIMIT) {
    throw invalidOption('max_new_tokens', maxNewTokens, `an integer from 1 to ${MAX_NEW_TOKENS_LIMIT}`);
  }
  return Object.freeze({ maxNewTokens });
}
