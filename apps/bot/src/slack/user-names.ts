import type { WebClient } from '@slack/web-api';

/**
 * Display names for user ids, from users.info, with a bounded least-recently-used cache so a
 * busy workspace costs one lookup per person, not one per message. Lookups in flight are shared,
 * so two requests reading the same thread at once still ask once.
 */
export class UserNames {
  private readonly cache = new Map<string, Promise<string>>();

  constructor(
    private readonly client: WebClient,
    private readonly capacity = 5000,
  ) {}

  nameOf(userId: string): Promise<string> {
    let name = this.cache.get(userId);
    if (name) {
      this.cache.delete(userId);
    } else {
      name = this.lookup(userId);
    }
    this.cache.set(userId, name);
    if (this.cache.size > this.capacity) this.cache.delete(this.cache.keys().next().value!);
    return name;
  }

  /** Falls back to the id when Slack cannot say (a deleted user, a missing scope), uncached. */
  private async lookup(userId: string): Promise<string> {
    try {
      const { user } = await this.client.users.info({ user: userId });
      return user?.profile?.display_name || user?.real_name || user?.name || userId;
    } catch {
      this.cache.delete(userId);
      return userId;
    }
  }
}
