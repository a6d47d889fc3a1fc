import type { Logger } from '@parley/service-kit';
import { describeSettings, parseOverrides, SettingsError } from '@parley/settings';
import { MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import type { AuditEntry, SettingsStore } from '../core/settings-store.js';
import { UserFacingError } from '../core/user-facing-error.js';
import { NO_PINGS_OPTION } from './no-pings.js';

export const NOT_MANAGER = 'Changing Parley\'s settings needs the **Manage Channels** permission in this channel. `/genconfig show` shows them.';

function describeChange(entries: readonly AuditEntry[]): string {
  if (!entries.length) return 'Nothing changed.';
  return `Saved: ${entries.map((e) => `${e.field} ${JSON.stringify(e.old)} → ${JSON.stringify(e.new)}`).join(', ')}.`;
}

/**
 * `/genconfig show|set|preset|reset`, answered privately. Discord hides the command from members
 * without Manage Channels (its default member permissions), but a server can override that, so
 * changes check the member's permissions in this channel again.
 */
export async function handleGenconfig(interaction: ChatInputCommandInteraction<'cached' | 'raw'>, deps: { settings: SettingsStore; log: Logger }): Promise<void> {
  await interaction.deferReply({ flags: MessageFlags.Ephemeral });
  const scope = { platform: 'discord' as const, workspace: interaction.guildId, channel: interaction.channelId };
  const verb = interaction.options.getSubcommand();
  const answer = (content: string) => interaction.editReply({ content, allowedMentions: NO_PINGS_OPTION });
  try {
    if (verb === 'show') {
      const [{ settings }, [last]] = await Promise.all([deps.settings.effective(scope), deps.settings.audit(scope, 1)]);
      const changed = last ? ` Last changed by <@${last.actor}> at ${last.at}.` : ' Nothing set for this channel yet.';
      await answer(`Settings here: ${describeSettings(settings)}.${changed}`);
      return;
    }
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels)) {
      deps.log.info({ user: interaction.user.id, verb }, 'settings change refused: not a manager');
      await answer(`⚠️ ${NOT_MANAGER}`);
      return;
    }
    const actor = interaction.user.id;
    let entries: AuditEntry[];
    if (verb === 'reset') entries = await deps.settings.reset(scope, actor);
    else if (verb === 'preset') entries = await deps.settings.applyPreset(scope, interaction.options.getString('name', true), actor);
    else {
      const { overrides, rest } = parseOverrides(interaction.options.getString('settings', true));
      if (rest.trim() !== '') throw new SettingsError('UNKNOWN_SETTING', `I didn't understand "${rest.trim().slice(0, 40)}"; use key=value pairs, e.g. temperature=0.7 top_p=0.9.`);
      entries = await deps.settings.set(scope, overrides, actor);
    }
    deps.log.info({ user: actor, verb, fields: entries.map((e) => e.field) }, 'settings changed');
    await answer(describeChange(entries));
  } catch (err) {
    if (err instanceof SettingsError || err instanceof UserFacingError) {
      await answer(`⚠️ ${err.userMessage}`);
      return;
    }
    throw err;
  }
}
