import type { WebClient } from '@slack/web-api';
import { CachedLookup } from '../../core/cached-lookup.js';
import type { Permalinks as LinkMap } from './format-reply.js';

/** At most this many source links per reply: chat.getPermalink is one call per message. */
export const MAX_CITED_MESSAGES = 40;

/**
 * Links to the source messages a summary cites, from chat.getPermalink. A permalink never
 * changes, so they are cached; a message Slack cannot link (deleted, a missing scope) is left
 * without a link rather than failing the reply.
 */
export class Permalinks {
  private readonly links: CachedLookup<string | undefined>;

  constructor(client: WebClient, capacity = 5000) {
    this.links = new CachedLookup(
      async (key) => {
        const [channel, ts] = key.split('/') as [string, string];
        const res = await client.chat.getPermalink({ channel, message_ts: ts });
        return res.permalink;
      },
      () => undefined,
      capacity,
    );
  }

  async forMessages(channel: string, messageIds: readonly string[]): Promise<LinkMap> {
    const ids = [...new Set(messageIds)].filter((id) => /^\d+\.\d+$/.test(id)).slice(0, MAX_CITED_MESSAGES);
    const found = await Promise.all(ids.map(async (id) => [id, await this.links.get(`${channel}/${id}`)] as const));
    return new Map(found.filter((e): e is readonly [string, string] => e[1] !== undefined));
  }
}
