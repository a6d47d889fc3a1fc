import MiniSearch, { type Options } from 'minisearch';
import { RetrievalError } from './errors.js';
import { parseMessage, type IndexedMessage } from './message.js';
import { parseQuery, parseSearchOptions } from './query.js';
import { makeSnippet } from './snippet.js';
import { processTerm, tokenize } from './terms.js';

export interface SearchHit {
  id: string;
  channelId: string;
  score: number;
  snippet: string;
}

const STORED = ['channelId', 'threadTs', 'author', 'text', 'ts'] as const;

/**
 * One set of options for building and for loading an index: MiniSearch's JSON holds the terms,
 * not how they were made, so a loaded index must be read with the same tokenizer and terms.
 */
const OPTIONS: Options<IndexedMessage> = {
  idField: 'id',
  fields: ['text', 'author'],
  storeFields: [...STORED],
  tokenize,
  processTerm,
  searchOptions: {
    boost: { text: 2, author: 1 },
    // Off: with BM25 over short chat lines, a prefix or a one-letter typo match ("deploy" for
    // "deployment", "cat" for "chat") outranks the messages that share the query's real words.
    prefix: false,
    fuzzy: false,
    combineWith: 'OR',
  },
};

/** A BM25 index of chat messages, searched per channel set; plain data through toJSON/fromJSON. */
export class MessageIndex {
  private index = new MiniSearch<IndexedMessage>(OPTIONS);

  /** An index from the string `JSON.stringify(index)` made. */
  static fromJSON(json: string): MessageIndex {
    const loaded = new MessageIndex();
    try {
      loaded.index = MiniSearch.loadJSON(json, OPTIONS);
      return loaded;
    } catch (err) {
      throw new RetrievalError('INVALID_INDEX', 'The search index could not be read.', `unreadable index: ${String(err)}`);
    }
  }

  get size(): number {
    return this.index.documentCount;
  }

  has(id: string): boolean {
    return this.index.has(id);
  }

  /** Adds new messages; an id already indexed is refused (an edit is `replace`). */
  add(messages: readonly IndexedMessage[]): void {
    const parsed = messages.map(parseMessage);
    const seen = new Set<string>();
    for (const m of parsed) {
      if (this.index.has(m.id) || seen.has(m.id)) throw new RetrievalError('DUPLICATE_MESSAGE', 'That message is already indexed.', `duplicate id ${m.id}`);
      seen.add(m.id);
    }
    this.index.addAll(parsed);
  }

  /** Removes a message; false when it was not indexed. */
  remove(id: string): boolean {
    const stored = this.stored(id);
    if (stored === undefined) return false;
    // remove() (not discard()) takes the terms out now, so nothing is left for a vacuum to do later.
    this.index.remove(stored);
    return true;
  }

  /** An edited message takes the place of the one with its id. */
  replace(message: IndexedMessage): void {
    const updated = parseMessage(message);
    if (!this.remove(updated.id)) throw new RetrievalError('UNKNOWN_MESSAGE', 'That message is not indexed.', `unknown id ${updated.id}`);
    this.index.add(updated);
  }

  /**
   * Messages ranked by BM25+ for `query`, only from `options.channelIds`. The filter decides which
   * messages come back, not how they score: term statistics span the whole index, every channel's.
   */
  search(query: string, options: { channelIds: readonly string[]; limit: number }): SearchHit[] {
    const text = parseQuery(query);
    const { channelIds, limit } = parseSearchOptions(options);
    const allowed = new Set(channelIds);
    if (allowed.size === 0) return [];
    return this.index
      .search(text, { filter: (result) => allowed.has(result['channelId'] as string) })
      .slice(0, limit)
      .map((result) => ({
        id: result.id as string,
        channelId: result['channelId'] as string,
        score: result.score,
        snippet: makeSnippet(result['text'] as string, result.terms),
      }));
  }

  toJSON(): ReturnType<MiniSearch<IndexedMessage>['toJSON']> {
    return this.index.toJSON();
  }

  private stored(id: string): IndexedMessage | undefined {
    const fields = this.index.getStoredFields(id);
    if (fields === undefined) return undefined;
    return { ...(fields as Omit<IndexedMessage, 'id'>), id };
  }
}
