import { ParleyError } from '@parley/errors';

/**
 * An error of the bot's own whose `userMessage` can be shown in the chat as is; `code` goes to
 * the logs. Most are about the request (a bad command, nothing to read) and so permanent; those
 * about the moment (Redis away, a rate limit) say `permanent: false`.
 */
export class BotError extends ParleyError {
  override name = 'BotError';

  constructor(code: string, userMessage: string, options: { permanent?: boolean; cause?: unknown } = {}) {
    super(code, userMessage, { permanent: options.permanent ?? true, cause: options.cause });
  }
}
