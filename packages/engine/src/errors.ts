/**
 * Errors the engine raises. Each carries a stable `code` (errors cross a thread boundary and
 * later Redis as plain data, so callers match on `code`, never `instanceof`) and a short
 * `userMessage` that is safe to show in a chat.
 */
export type EngineErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'MODEL_INVALID'
  | 'INVALID_OPTION'
  | 'PROMPT_TOO_LONG'
  | 'WRONG_TASK'
  | 'ENGINE_CLOSED'
  | 'ENGINE_FAILURE';

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly userMessage: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'EngineError';
  }

  toJSON(): SerializedEngineError {
    return { code: this.code, message: this.message, userMessage: this.userMessage };
  }

  static fromJSON(data: SerializedEngineError): EngineError {
    return new EngineError(data.code, data.message, data.userMessage);
  }
}

export interface SerializedEngineError {
  code: EngineErrorCode;
  message: string;
  userMessage: string;
}

export function modelNotFound(message: string): EngineError {
  return new EngineError('MODEL_NOT_FOUND', message, 'The model for this task is not installed.');
}

export function modelInvalid(message: string, cause?: unknown): EngineError {
  return new EngineError('MODEL_INVALID', message, 'The model for this task could not be loaded.', { cause });
}

export function invalidOption(parameter: string, value: unknown, allowed: string): EngineError {
  const message = `${parameter}=${String(value)} is not allowed: expected ${allowed}`;
  return new EngineError('INVALID_OPTION', message, `Setting ${message}.`);
}

export function promptTooLong(tokens: number, limit: number, context?: string): EngineError {
  const within = context ? ` ${context}` : '';
  return new EngineError(
    'PROMPT_TOO_LONG',
    `prompt has ${tokens} tokens; the model accepts at most ${limit}${within}`,
    `The input is too long for this model (${tokens} tokens, limit ${limit}${within}).`,
  );
}

/** Wraps anything thrown inside the engine so callers always get an EngineError. */
export function asEngineError(err: unknown): EngineError {
  if (err instanceof EngineError) return err;
  const message = err instanceof Error ? err.message : String(err);
  return new EngineError('ENGINE_FAILURE', message, 'The model failed while generating a reply.', { cause: err });
}
