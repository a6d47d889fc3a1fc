import type { WebClient } from '@slack/web-api';
import { CachedLookup } from '../../core/cached-lookup.js';

/**
 * Display names for user ids, from users.info, cached so a busy workspace costs one lookup per
 * person, not one per message. Falls back to the id when Slack cannot say (a deleted user, a
 * missing scope).
 */
export class UserNames {
  private readonly names: CachedLookup<string>;

  constructor(client: WebClient, capacity = 5000) {
    this.names = new CachedLookup(
      async (userId) => {
        const { user } = await client.users.info({ user: userId });
        return user?.profile?.display_name || user?.real_name || user?.name || userId;
      },
      (userId) => userId,
      capacity,
    );
  }

  nameOf(userId: string): Promise<string> {
    return this.names.get(userId);
  }
}
