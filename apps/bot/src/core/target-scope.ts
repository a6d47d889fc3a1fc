import type { ReplyTarget } from '@parley/jobs';

/** A Discord request's workspace: its server, or, in a direct message or private channel, the requester. */
export function discordWorkspace(guildId: string | null | undefined, userId: string): string {
  return guildId ?? `dm-${userId}`;
}

/** Where a reply goes, as the platform, workspace (team, guild) and channel that settings, metrics and feedback are kept by. */
export function scopeOfTarget(target: ReplyTarget): { platform: string; workspace: string; channel: string } {
  switch (target.platform) {
    case 'slack':
      return { platform: 'slack', workspace: target.teamId, channel: target.channelId };
    case 'discord':
      return { platform: 'discord', workspace: discordWorkspace(target.guildId, target.userId), channel: target.channelId };
    case 'playground':
      return { platform: 'playground', workspace: 'playground', channel: target.channelId };
    case 'demo':
      return { platform: 'demo', workspace: 'demo', channel: target.runId };
  }
}
