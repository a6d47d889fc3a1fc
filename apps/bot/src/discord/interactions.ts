import { requestJobId, type TaskRequest } from '@parley/jobs';
import type { Settings } from '@parley/settings';
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
import { BotError } from '../core/bot-error.js';
import type { SettingsStore } from '../core/settings-store.js';
import { parseCommandOptions } from './command-options.js';
import { CONTEXT_MENUS } from './commands.js';
import { defaultSource, discordRefusal, discordRequest, type DiscordRequestDeps, type DiscordSource, type DiscordWaiting } from './discord-request.js';
import { handleGenconfig } from './genconfig.js';
import { NO_PINGS_OPTION } from './no-pings.js';

type Deferrable = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

async function channelOf(client: Client, interaction: Deferrable): Promise<TextBasedChannel> {
  const channel = interaction.channel ?? (interaction.channelId ? await client.channels.fetch(interaction.channelId) : null);
  if (!channel?.isTextBased()) throw new BotError('UNSUPPORTED_CHANNEL', 'I can only work in text channels and threads.');
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

/** What an interaction asks for, read from its options or its target message. */
async function readInteraction(client: Client, interaction: Deferrable, maxMessages: number): Promise<{ task: TaskRequest; source: DiscordSource; overrides: Settings; messageId?: string }> {
  if (interaction.isChatInputCommand()) {
    const parsed = parseCommandOptions(interaction, Date.now());
    const channel = await channelOf(client, interaction);
    if (parsed.text) {
      const member = interaction.member;
      const authorName = (member && 'displayName' in member ? member.displayName : undefined) ?? interaction.user.globalName ?? interaction.user.username;
      return { task: parsed.task, overrides: parsed.overrides, source: { kind: 'text', text: parsed.text, authorName } };
    }
    if (parsed.last !== undefined || parsed.sinceMs !== undefined) {
      // Discord checks `last` against the max_value the commands were registered with, which can be
      // larger than this bot's limit (registered before SUMMARIZE_MAX_MESSAGES was lowered).
      const limit = Math.min(parsed.last ?? maxMessages, maxMessages);
      return { task: parsed.task, overrides: parsed.overrides, source: { kind: 'channel', channel, window: { limit, ...(parsed.sinceMs !== undefined && { sinceMs: parsed.sinceMs }) } } };
    }
    return { task: parsed.task, overrides: parsed.overrides, source: defaultSource(channel, maxMessages) };
  }
  const target = interaction.targetMessage;
  if (interaction.commandName === CONTEXT_MENUS.summarize) return { task: { task: 'summarize' }, overrides: {}, source: await threadOf(client, target, maxMessages), messageId: target.id };
  const task: TaskRequest = interaction.commandName === CONTEXT_MENUS.translate ? { task: 'translate' } : { task: 'entities' };
  // The target arrives with the interaction, content included, even without the Message Content intent.
  return { task, overrides: {}, source: { kind: 'messages', messages: [target] }, messageId: target.id };
}

/**
 * Slash commands and message context menus. Every request is deferred before anything else
 * (Discord's deadline is 3 s), then read and handed to the pipeline; the deferred reply shows
 * progress, streamed text and finally the answer. Problems replace it with a short message and a
 * reference.
 */
export function registerInteractions(client: Client, deps: DiscordRequestDeps & { settings: SettingsStore }): void {
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
    const waiting: DiscordWaiting = {
      kind: 'interaction',
      interaction: { applicationId: interaction.applicationId, token: interaction.token, createdAt: interaction.createdTimestamp },
      editReply: (content) => interaction.editReply({ content, allowedMentions: NO_PINGS_OPTION }),
    };
    let asked;
    try {
      asked = await readInteraction(client, interaction, deps.maxMessages);
    } catch (err) {
      const scope = { platform: 'discord' as const, workspace: interaction.guildId, channel: interaction.channelId };
      await deps.pipeline.refuse({ requestId, scope }, err, { refused: discordRefusal(deps, waiting, requestId) }, 'parse');
      return;
    }
    const { request, replies } = discordRequest(deps, waiting, {
      requestId,
      guildId: interaction.guildId,
      channelId: interaction.channelId,
      userId: interaction.user.id,
      private: isPrivate,
      ...asked,
    });
    await deps.pipeline.run(request, replies);
  };
  client.on(Events.InteractionCreate, (interaction) => {
    run(interaction).catch((err: Error) => deps.log.error({ interaction: interaction.id, err: err.message.slice(0, 200) }, 'interaction failed'));
  });
}
