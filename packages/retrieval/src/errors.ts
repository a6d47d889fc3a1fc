import { ParleyError } from '@parley/errors';

export type RetrievalErrorCode = 'EMPTY_QUERY' | 'QUERY_TOO_LONG' | 'INVALID_INPUT' | 'DUPLICATE_MESSAGE' | 'UNKNOWN_MESSAGE' | 'INVALID_INDEX';

/** A search or an index change refused. Permanent: the same input is refused again. */
export class RetrievalError extends ParleyError<RetrievalErrorCode> {
  override readonly name = 'RetrievalError';

  constructor(code: RetrievalErrorCode, userMessage: string, message?: string) {
    super(code, userMessage, message === undefined ? { permanent: true } : { permanent: true, message });
  }
}
