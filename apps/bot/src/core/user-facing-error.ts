/** An error whose message can be shown in the chat as is. `code` goes to the logs. */
export class UserFacingError extends Error {
  override readonly name = 'UserFacingError';

  constructor(
    readonly code: string,
    readonly userMessage: string,
    options?: ErrorOptions,
  ) {
    super(`${code}: ${userMessage}`, options);
  }
}
