import { ParleyError, type SerializedCodedError } from '@parley/errors';

/**
 * Errors the engine raises, in Parley's coded-error shape: a stable `code` (errors cross a thread
 * boundary and later Redis as plain data, so callers match on `code`, never `instanceof`), a short
 * `userMessage` that is safe to show in a chat, and `permanent`, which follows from the code.
 */
export type EngineErrorCode =
  | 'MODEL_NOT_FOUND'
  | 'MODEL_INVALID'
  | 'INVALID_OPTION'
  | 'PROMPT_TOO_LONG'
  | 'WRONG_TASK'
  | 'ENGINE_CLOSED'
  | 'ENGINE_FAILURE';

/** Whether another attempt cannot succeed: the input, a setting or the model is wrong, not the moment. */
const PERMANENT: Record<EngineErrorCode, boolean> = {
  MODEL_NOT_FOUND: true,
  MODEL_INVALID: true,
  INVALID_OPTION: true,
  PROMPT_TOO_LONG: true,
  WRONG_TASK: true,
  ENGINE_CLOSED: false,
  ENGINE_FAILURE: false,
};

export class EngineError extends ParleyError<EngineErrorCode> {
  override name = 'EngineError';

  constructor(code: EngineErrorCode, message: string, userMessage: string, options?: ErrorOptions) {
    super(code, userMessage, { permanent: PERMANENT[code], message, cause: options?.cause });
  }

  override toJSON(): SerializedEngineError {
    return { ...super.toJSON(), code: this.code };
  }

  static fromJSON(data: SerializedEngineError): EngineError {
    return new EngineError(data.code, data.message, data.userMessage);
  }
}

/** An EngineError as plain data, as it crosses the engine's thread. */
export interface SerializedEngineError extends SerializedCodedError {
  code: EngineErrorCode;
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
