import type { DiscordTarget } from '@parley/jobs';
import { Routes } from 'discord.js';

/** The message a request's answer replaces: a deferred interaction's original reply, or a mention's placeholder. */
export type ReplyHandle =
  | { kind: 'interaction'; applicationId: string; token: string; createdAt: number }
  | { kind: 'message'; channelId: string; messageId: string };

export function replyHandleOf(target: DiscordTarget): ReplyHandle | undefined {
  if (target.interaction) return { kind: 'interaction', ...target.interaction };
  if (target.placeholderId) return { kind: 'message', channelId: target.channelId, messageId: target.placeholderId };
  return undefined;
}

/** One key per reply, for throttling and freezing. */
export function handleKey(handle: ReplyHandle): string {
  return handle.kind === 'interaction' ? `i:${handle.token.slice(-24)}` : `m:${handle.messageId}`;
}

/** The route that edits the reply; interaction webhooks take no bot authorization. */
export function editRoute(handle: ReplyHandle): { route: `/${string}`; auth: boolean } {
  return handle.kind === 'interaction'
    ? { route: Routes.webhookMessage(handle.applicationId, handle.token, '@original'), auth: false }
    : { route: Routes.channelMessage(handle.channelId, handle.messageId), auth: true };
}

/**
 * Whether an interaction token can still be used at `now`. A margin before Discord's 15
 * minutes leaves time for the call itself.
 */
export function tokenUsable(handle: ReplyHandle, now: number, lifetimeMs: number): boolean {
  return handle.kind !== 'interaction' || now < handle.createdAt + lifetimeMs - 30_000;
}
