import { requestJobId } from '@parley/jobs';
import {
  Events,
  MessageFlags,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type Message,
  type MessageContextMenuCommandInteraction,
  type TextBasedChannel,
} from 'discord.js';
import type { SettingsStore } from '../core/settings-store.js';
import { UserFacingError } from '../core/user-facing-error.js';
import { parseCommandOptions } from './command-options.js';
import { CONTEXT_MENUS } from './commands.js';
import { asUserFacing } from './discord-errors.js';
import { discordFailureText } from './format-reply.js';
import { handleGenconfig } from './genconfig.js';
import { NO_PINGS_OPTION } from './no-pings.js';
import { admitDiscord, defaultSource, queueDiscordTask, type DiscordSource, type DiscordTask, type DiscordTaskDeps } from './queue-task.js';

type Deferrable = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

async function channelOf(client: Client, interaction: Deferrable): Promise<TextBasedChannel> {
  const channel = interaction.channel ?? (interaction.channelId ? await client.channels.fetch(interaction.channelId) : null);
  if (!channel?.isTextBased()) throw new UserFacingError('UNSUPPORTED_CHANNEL', 'I can only work in text channels and threads.');
  return channel;
}

/** "Summarize thread" on a message: the thread it is in, the thread it starts, or the message alone. */
async function threadOf(client: Client, message: Message, maxMessages: number): Promise<DiscordSource> {
  const channel = message.channel;
  if (channel.isThread()) return defaultSource(channel, maxMessages);
  if (message.hasThread) {
    const thread = message.thread ?? (await client.channels.fetch(message.id).catch(() => null));
    if (thread?.isThread()) return defaultSource(thread, maxMessages);
  }
  return { kind: 'messages', messages: [message] };
}

/**
 * Slash commands and message context menus. Every request is deferred before anything else
 * (Discord's deadline is 3 s), then admitted, read and queued; the deferred reply shows progress,
 * streamed text and finally the answer. Problems replace it with a short message and a reference.
 */
export function registerInteractions(client: Client, deps: DiscordTaskDeps & { settings: SettingsStore }): void {
  const run = async (interaction: Interaction): Promise<void> => {
    if (!interaction.isChatInputCommand() && !interaction.isMessageContextMenuCommand()) return;
    if (!interaction.inGuild()) {
      await interaction.reply({ content: 'Parley works in servers, not in direct messages.', flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS_OPTION });
      return;
    }
    if (interaction.isChatInputCommand() && interaction.commandName === 'genconfig') {
      await handleGenconfig(interaction, deps);
      return;
    }
    const isPrivate = interaction.isChatInputCommand() ? (interaction.options.getBoolean('private') ?? false) : false;
    await interaction.deferReply(isPrivate ? { flags: MessageFlags.Ephemeral } : {});
    const requestId = requestJobId('discord', interaction.guildId, interaction.id);
    const fail = async (err: unknown) => {
      const failure = asUserFacing(err);
      const shown = failure instanceof UserFacingError ? failure : new UserFacingError('INTAKE_FAILED', 'Something went wrong.', { cause: err });
      deps.log.warn({ requestId, code: shown.code, err: shown === failure ? undefined : (err as Error).message?.slice(0, 120) }, 'request not queued');
      const handle = { kind: 'interaction' as const, applicationId: interaction.applicationId, token: interaction.token, createdAt: interaction.createdTimestamp };
      await deps.editor.freeze(handle);
      await interaction.editReply({ content: discordFailureText(shown.userMessage, requestId), allowedMentions: NO_PINGS_OPTION });
    };
    try {
      let task: DiscordTask;
      let source: DiscordSource;
      let overrides = {};
      let messageId: string | undefined;
      if (interaction.isChatInputCommand()) {
        const parsed = parseCommandOptions(interaction, Date.now());
        const channel = await channelOf(client, interaction);
        task = parsed.task;
        overrides = parsed.overrides;
        if (parsed.text) {
          const member = interaction.member;
          const authorName = (member && 'displayName' in member ? member.displayName : undefined) ?? interaction.user.globalName ?? interaction.user.username;
          source = { kind: 'text', text: parsed.text, authorName };
        } else if (parsed.last !== undefined || parsed.sinceMs !== undefined) {
          // Discord checks `last` against the max_value the commands were registered with, which can be
          // larger than this bot's limit (registered before SUMMARIZE_MAX_MESSAGES was lowered).
          const limit = Math.min(parsed.last ?? deps.maxMessages, deps.maxMessages);
          source = { kind: 'channel', channel, window: { limit, ...(parsed.sinceMs !== undefined && { sinceMs: parsed.sinceMs }) } };
        } else {
          source = defaultSource(channel, deps.maxMessages);
        }
      } else {
        const target = interaction.targetMessage;
        messageId = target.id;
        if (interaction.commandName === CONTEXT_MENUS.summarize) {
          task = { task: 'summarize' };
          source = await threadOf(client, target, deps.maxMessages);
        } else {
          task = interaction.commandName === CONTEXT_MENUS.translate ? { task: 'translate' } : { task: 'entities' };
          // The target arrives with the interaction, content included, even without the Message Content intent.
          source = { kind: 'messages', messages: [target] };
        }
      }
      const refusal = await admitDiscord(deps, { guildId: interaction.guildId, channelId: interaction.channelId, userId: interaction.user.id }, requestId);
      if (refusal) throw refusal;
      await queueDiscordTask(deps, {
        requestId,
        guildId: interaction.guildId,
        channelId: interaction.channelId,
        userId: interaction.user.id,
        source,
        overrides,
        task,
        private: isPrivate,
        ...(messageId && { messageId }),
        interaction: { applicationId: interaction.applicationId, token: interaction.token, createdAt: interaction.createdTimestamp },
      });
    } catch (err) {
      await fail(err);
    }
  };
  client.on(Events.InteractionCreate, (interaction) => {
    run(interaction).catch((err: Error) => deps.log.error({ interaction: interaction.id, err: err.message.slice(0, 200) }, 'interaction failed'));
  });
}
