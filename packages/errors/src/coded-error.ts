/**
 * The one shape of every error Parley raises on purpose, in any package. Errors cross a worker
 * thread and Redis as plain data, so code that decides what to do with one (retry it, show it,
 * count it) reads these fields, never `instanceof`.
 */
export interface CodedError {
  /** Stable, for logs, metrics and matching, e.g. `UNKNOWN_LANGUAGE` or `RATE_LIMITED`. */
  readonly code: string;
  /** Short and safe to show in a chat: no stack trace, no internals, no message text. */
  readonly userMessage: string;
  /** Another attempt cannot succeed: the input, a setting or the set-up is wrong, not the moment. */
  readonly permanent: boolean;
}

/** A coded error as plain data, e.g. across a worker thread. */
export interface SerializedCodedError extends CodedError {
  name: string;
  message: string;
}

export interface ParleyErrorOptions {
  permanent: boolean;
  /** For the logs; the user message when absent. */
  message?: string;
  cause?: unknown;
}

/** The base of every package's error classes. */
export class ParleyError<Code extends string = string> extends Error implements CodedError {
  override name = 'ParleyError';
  readonly permanent: boolean;

  constructor(
    readonly code: Code,
    readonly userMessage: string,
    options: ParleyErrorOptions,
  ) {
    super(options.message ?? `${code}: ${userMessage}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.permanent = options.permanent;
  }

  toJSON(): SerializedCodedError {
    return { name: this.name, code: this.code, message: this.message, userMessage: this.userMessage, permanent: this.permanent };
  }
}

/** Whether `value` has the coded-error shape, whichever package (or thread) made it. */
export function isCodedError(value: unknown): value is CodedError {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['code'] === 'string' && typeof v['userMessage'] === 'string' && typeof v['permanent'] === 'boolean';
}

/** `err` when it is a coded error; otherwise `fallback`, which says nothing about what went wrong. */
export function asCodedError(err: unknown, fallback: CodedError): CodedError {
  return isCodedError(err) ? err : fallback;
}
