import type { Guild, User } from 'discord.js';
import { CachedLookup } from '../core/cached-lookup.js';

/**
 * Members' display names (server nickname, else global name, else username), from the member
 * when Discord sent it and otherwise fetched over REST (one member per call, so no privileged
 * Server Members intent), cached per guild and user.
 */
export class DisplayNames {
  private readonly nicknames: CachedLookup<string | null>;

  constructor(private readonly guildOf: (guildId: string) => Guild | undefined, capacity = 5000) {
    this.nicknames = new CachedLookup(
      async (key) => {
        const [guildId, userId] = key.split('/') as [string, string];
        const guild = this.guildOf(guildId);
        if (!guild) return null;
        return (await guild.members.fetch(userId)).displayName;
      },
      () => null,
      capacity,
    );
  }

  async nameOf(guildId: string, author: User, memberName?: string): Promise<string> {
    if (memberName) return memberName;
    return (await this.nicknames.get(`${guildId}/${author.id}`)) ?? author.globalName ?? author.username;
  }
}
