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

export class PromptError extends Error {
  constructor(
    readonly code: PromptErrorCode,
    message: string,
    readonly userMessage: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'PromptError';
  }

  toJSON(): SerializedPromptError {
    return { code: this.code, message: this.message, userMessage: this.userMessage };
  }

  static fromJSON(data: SerializedPromptError): PromptError {
    return new PromptError(data.code, data.message, data.userMessage);
  }
}

export interface SerializedPromptError {
  code: PromptErrorCode;
  message: string;
  userMessage: string;
}
