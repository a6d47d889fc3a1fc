import { z } from 'zod';
import { RetrievalError } from './errors.js';

export const QUERY_MAX_LENGTH = 500;
export const SEARCH_MAX_LIMIT = 100;

export interface SearchOptions {
  /** The channels the requester may see: results come from these only. */
  channelIds: readonly string[];
  limit: number;
}

const optionsSchema = z.object({
  channelIds: z.array(z.string().min(1)).readonly(),
  limit: z.int().min(1).max(SEARCH_MAX_LIMIT),
});

/** The query trimmed, or a RetrievalError saying why it cannot be searched. */
export function parseQuery(value: unknown): string {
  if (typeof value !== 'string') throw new RetrievalError('INVALID_INPUT', 'The search needs some words to look for.', 'query is not a string');
  const query = value.trim();
  if (query.length === 0) throw new RetrievalError('EMPTY_QUERY', 'The search needs some words to look for.');
  if (query.length > QUERY_MAX_LENGTH) {
    throw new RetrievalError('QUERY_TOO_LONG', `That search is too long: ${QUERY_MAX_LENGTH} characters at most.`, `query of ${query.length} characters`);
  }
  return query;
}

export function parseSearchOptions(value: unknown): SearchOptions {
  const parsed = optionsSchema.safeParse(value);
  if (!parsed.success) throw new RetrievalError('INVALID_INPUT', 'That search cannot be run.', `invalid search options: ${parsed.error.message}`);
  return parsed.data;
}
