import { ParleyError } from '@parley/errors';

export type SettingsErrorCode = 'INVALID_VALUE' | 'UNKNOWN_SETTING' | 'MISSING_VALUE' | 'DUPLICATE_SETTING' | 'UNKNOWN_PRESET';

/**
 * A bad setting or override. `userMessage` is short and safe to show in the chat; `code` goes to
 * the logs. Always permanent: the same value is refused again.
 */
export class SettingsError extends ParleyError<SettingsErrorCode> {
  override readonly name = 'SettingsError';

  constructor(
    code: SettingsErrorCode,
    userMessage: string,
    /** The setting's user-facing (snake_case) name, when one is known. */
    readonly setting?: string,
  ) {
    super(code, userMessage, { permanent: true });
  }
}

/** User text echoed in a message, cut short so one bad token cannot flood the reply. */
export function shown(value: unknown): string {
  if (value === '') return 'nothing';
  const text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}
