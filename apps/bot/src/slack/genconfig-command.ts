import type { Logger } from '@parley/service-kit';
import { describeSettings, parseOverrides, SettingsError } from '@parley/settings';
import type { App } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import type { AuditEntry, SettingsStore } from '../core/settings-store.js';
import { UserFacingError } from '../core/user-facing-error.js';

export interface GenconfigDeps {
  settings: SettingsStore;
  log: Logger;
  /** Users allowed to change settings besides workspace admins and owners. */
  adminUserIds: readonly string[];
}

const USAGE =
  "`/genconfig` shows this channel's settings. Admins can change them: `/genconfig set temperature=0.7 top_p=0.9 sample`, " +
  '`/genconfig preset precise|balanced|creative`, `/genconfig reset`.';

function describeChange(entries: readonly AuditEntry[]): string {
  if (!entries.length) return 'Nothing changed.';
  return `Saved: ${entries.map((e) => `${e.field} ${JSON.stringify(e.old)} → ${JSON.stringify(e.new)}`).join(', ')}.`;
}

async function isAdmin(client: WebClient, userId: string, deps: GenconfigDeps): Promise<boolean> {
  if (deps.adminUserIds.includes(userId)) return true;
  const { user } = await client.users.info({ user: userId });
  return Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
}

/**
 * `/genconfig`: anyone sees the channel's generation settings and who changed them last;
 * workspace admins (and configured admins) change them with `set`, `preset` and `reset`.
 */
export function registerGenconfigCommand(app: App, deps: GenconfigDeps): void {
  app.command('/genconfig', async ({ command, ack, client }) => {
    const scope = { platform: 'slack' as const, workspace: command.team_id, channel: command.channel_id };
    const [verb = 'show', ...args] = command.text.trim().split(/\s+/).filter(Boolean);
    const reply = (text: string) => ack({ response_type: 'ephemeral', text });
    try {
      if (verb === 'show') {
        const [{ settings }, [last]] = await Promise.all([deps.settings.effective(scope), deps.settings.audit(scope, 1)]);
        const changed = last ? ` Last changed by <@${last.actor}> at ${last.at}.` : ' Nothing set for this channel yet.';
        await reply(`Settings here: ${describeSettings(settings)}.${changed}\n${USAGE}`);
        return;
      }
      if (!['set', 'preset', 'reset'].includes(verb)) {
        await reply(USAGE);
        return;
      }
      if (!(await isAdmin(client, command.user_id, deps))) {
        await reply("Only workspace admins can change Parley's settings. `/genconfig` shows them.");
        return;
      }
      let entries: AuditEntry[];
      if (verb === 'reset') entries = await deps.settings.reset(scope, command.user_id);
      else if (verb === 'preset') entries = await deps.settings.applyPreset(scope, args[0] ?? '', command.user_id);
      else {
        const { overrides, rest } = parseOverrides(args.join(' '));
        if (rest.trim() !== '') throw new SettingsError('UNKNOWN_SETTING', `I didn't understand "${rest.trim()}". ${USAGE}`);
        entries = await deps.settings.set(scope, overrides, command.user_id);
      }
      deps.log.info({ user: command.user_id, verb, fields: entries.map((e) => e.field) }, 'settings changed');
      await reply(describeChange(entries));
    } catch (err) {
      if (err instanceof SettingsError || err instanceof UserFacingError) {
        await reply(`:warning: ${err.userMessage}`);
        return;
      }
      throw err;
    }
  });
}
