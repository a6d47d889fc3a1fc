/**
 * A prompt that cannot be built. `code` is for logs and tests; `userMessage` is safe to show in a
 * chat reply.
 */
export class TemplateError extends Error {
  override readonly name = 'TemplateError';

  constructor(
    readonly code: string,
    message: string,
    readonly userMessage: string,
  ) {
    super(message);
  }
}
