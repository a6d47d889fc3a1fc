import type { WebClient } from '@slack/web-api';

/**
 * Whether a user may change Parley's settings: a configured admin id, or a workspace admin or
 * owner as users.info reports them. Asked on every change, so a demoted admin loses it at once.
 */
export async function isSettingsAdmin(client: WebClient, userId: string, adminUserIds: readonly string[]): Promise<boolean> {
  if (adminUserIds.includes(userId)) return true;
  const { user } = await client.users.info({ user: userId });
  return Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
}

export const NOT_ADMIN = "Only workspace admins can change Parley's settings.";
