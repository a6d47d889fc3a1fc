export { RetrievalError, type RetrievalErrorCode } from './errors.js';
export { indexedMessageSchema, type IndexedMessage } from './message.js';
export { MessageIndex, type SearchHit } from './message-index.js';
export { QUERY_MAX_LENGTH, SEARCH_MAX_LIMIT, type SearchOptions } from './query.js';
export { makeSnippet, SNIPPET_MAX_LENGTH } from './snippet.js';
export { STOP_WORDS } from './terms.js';
