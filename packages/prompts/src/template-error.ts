import { ParleyError } from '@parley/errors';

/**
 * A prompt that cannot be built: the model's family or chat template cannot render the task, or
 * an option is out of range. `code` is for logs and tests; `userMessage` is safe to show in a
 * chat reply. Permanent: the same model and request fail the same way again.
 */
export class TemplateError extends ParleyError {
  override readonly name = 'TemplateError';

  constructor(code: string, message: string, userMessage: string, options: ErrorOptions = {}) {
    super(code, userMessage, { permanent: true, message, cause: options.cause });
  }
}
