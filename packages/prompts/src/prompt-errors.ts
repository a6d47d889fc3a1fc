import { ParleyError, type SerializedCodedError } from '@parley/errors';

/**
 * Errors the prompt layer raises. `code` is stable (callers match on it, errors travel through the
 * queue as plain data); `userMessage` is short and safe to show in a chat.
 */
export type PromptErrorCode =
  | 'UNKNOWN_LANGUAGE'
  | 'BUDGET_TOO_SMALL'
  | 'REDUCE_TOO_DEEP'
  | 'REDUCE_NO_PROGRESS'
  | 'INVALID_OPTION'
  // Other modules of the package may add codes of their own.
  | (string & {});

export interface PromptErrorOptions extends ErrorOptions {
  /** Default true: building a prompt is deterministic, so what failed once fails again. */
  permanent?: boolean;
}

export class PromptError extends ParleyError<PromptErrorCode> {
  override readonly name = 'PromptError';

  constructor(code: PromptErrorCode, message: string, userMessage: string, options: PromptErrorOptions = {}) {
    super(code, userMessage, { permanent: options.permanent ?? true, message, cause: options.cause });
  }

  override toJSON(): SerializedPromptError {
    return { ...super.toJSON(), code: this.code };
  }

  static fromJSON(data: SerializedPromptError): PromptError {
    return new PromptError(data.code, data.message, data.userMessage, { permanent: data.permanent });
  }
}

export interface SerializedPromptError extends SerializedCodedError {
  code: PromptErrorCode;
}
