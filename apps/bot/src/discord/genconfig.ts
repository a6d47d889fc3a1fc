import { isCodedError } from '@parley/errors';
import type { Logger } from '@parley/service-kit';
import { MessageFlags, PermissionFlagsBits, type ChatInputCommandInteraction } from 'discord.js';
import { changeSettings, currentSettings, describeSaved, isSettingsVerb, settingsHereLine } from '../core/settings-command.js';
import type { SettingsStore } from '../core/settings-store.js';
import { NO_PINGS_OPTION } from './no-pings.js';

export const NOT_MANAGER = 'Changing Parley\'s settings needs the **Manage Channels** permission in this channel. `/genconfig show` shows them.';

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
    if (verb === 'show' || !isSettingsVerb(verb)) {
      await answer(settingsHereLine(await currentSettings(deps.settings, scope)));
      return;
    }
    if (!interaction.memberPermissions?.has(PermissionFlagsBits.ManageChannels)) {
      deps.log.info({ user: interaction.user.id, verb }, 'settings change refused: not a manager');
      await answer(`⚠️ ${NOT_MANAGER}`);
      return;
    }
    const actor = interaction.user.id;
    const args = verb === 'preset' ? interaction.options.getString('name', true) : verb === 'set' ? interaction.options.getString('settings', true) : '';
    const entries = await changeSettings(deps.settings, scope, { verb, args, actor });
    deps.log.info({ user: actor, verb, fields: entries.map((e) => e.field) }, 'settings changed');
    await answer(describeSaved(entries, (await deps.settings.effective(scope)).settings));
  } catch (err) {
    if (!isCodedError(err)) throw err;
    await answer(`⚠️ ${err.userMessage}`);
  }
}
