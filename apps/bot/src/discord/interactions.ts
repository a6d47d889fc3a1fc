import { requestJobId, type TaskRequest } from '@parley/jobs';
import type { Settings } from '@parley/settings';
import {
  Events,
  MessageFlags,
  type BaseInteraction,
  type ChatInputCommandInteraction,
  type Client,
  type Interaction,
  type Message,
  type MessageContextMenuCommandInteraction,
  type TextBasedChannel,
} from 'discord.js';
import { BotError } from '../core/bot-error.js';
import type { SettingsStore } from '../core/settings-store.js';
import { discordWorkspace } from '../core/target-scope.js';
import type { VoteDeps } from '../core/vote.js';
import { parseCommandOptions } from './command-options.js';
import { CONTEXT_MENUS } from './commands.js';
import { defaultSource, discordRefusal, discordRequest, type DiscordRequestDeps, type DiscordSource, type DiscordWaiting } from './discord-request.js';
import { handleGenconfig } from './genconfig.js';
import { NO_PINGS_OPTION } from './no-pings.js';
import { answerVote } from './votes.js';

type Deferrable = ChatInputCommandInteraction | MessageContextMenuCommandInteraction;

/** A request that needs to read a channel where Parley's bot cannot. */
export class CannotReadHere extends BotError {
  override name = 'CannotReadHere';
}

export const NOT_IN_SERVER =
  "I can only read channels in servers Parley was added to; a server admin can add it from Parley's profile (Add App). Here, use a message's Apps menu or a command's text option.";
export const NOT_IN_DMS = "I can't read direct messages or private channels. Use a message's Apps menu or a command's text option instead.";

/**
 * What Parley can do where an interaction came from. Discord names who installed the app for it:
 * key "0" (the server's id, or "0" in the bot's DM) when the app is installed to the server, key
 * "1" when a user installed it. Without a server install the bot is not there: it can neither
 * read nor post in the channel, and Discord allows the interaction only 5 follow-ups.
 */
interface Reach {
  canRead: boolean;
  userInstallOnly: boolean;
}

function reachOf(client: Client, interaction: BaseInteraction): Reach {
  const { guildId } = interaction.authorizingIntegrationOwners;
  return {
    canRead: interaction.guildId !== null && guildId === interaction.guildId && client.guilds.cache.has(interaction.guildId),
    // A server install without the bot user (applications.commands only) cannot post in the channel either.
    userInstallOnly: guildId === null || (interaction.guildId !== null && !client.guilds.cache.has(interaction.guildId)),
  };
}

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

/** The requester's name as the channel shows it: the server nickname, else the account's name. */
function requesterName(interaction: Deferrable): string {
  const member = interaction.member;
  const nick = member ? ('displayName' in member ? member.displayName : member.nick) : undefined;
  return nick || interaction.user.globalName || interaction.user.username;
}

/**
 * What an interaction asks for, read from its options or its target message. Where Parley cannot
 * read the channel, typed text and a context menu's target (which comes with the interaction)
 * still work, and /ask answers the question alone; anything else is refused with what to do.
 */
async function readInteraction(
  client: Client,
  interaction: Deferrable,
  maxMessages: number,
  reach: Reach,
): Promise<{ task: TaskRequest; source: DiscordSource; overrides: Settings; messageId?: string }> {
  if (interaction.isChatInputCommand()) {
    const parsed = parseCommandOptions(interaction, Date.now());
    const typed = parsed.text ?? (!reach.canRead && parsed.task.task === 'ask' ? parsed.task.question : undefined);
    if (typed) return { task: parsed.task, overrides: parsed.overrides, source: { kind: 'text', text: typed, authorName: requesterName(interaction) } };
    if (!reach.canRead) throw new CannotReadHere(interaction.guildId ? 'NOT_IN_SERVER' : 'NOT_IN_DMS', interaction.guildId ? NOT_IN_SERVER : NOT_IN_DMS);
    const channel = await channelOf(client, interaction);
    if (parsed.last !== undefined || parsed.sinceMs !== undefined) {
      // Discord checks `last` against the max_value the commands were registered with, which can be
      // larger than this bot's limit (registered before SUMMARIZE_MAX_MESSAGES was lowered).
      const limit = Math.min(parsed.last ?? maxMessages, maxMessages);
      return { task: parsed.task, overrides: parsed.overrides, source: { kind: 'channel', channel, window: { limit, ...(parsed.sinceMs !== undefined && { sinceMs: parsed.sinceMs }) } } };
    }
    return { task: parsed.task, overrides: parsed.overrides, source: defaultSource(channel, maxMessages) };
  }
  const target = interaction.targetMessage;
  if (interaction.commandName === CONTEXT_MENUS.summarize) {
    const source: DiscordSource = reach.canRead ? await threadOf(client, target, maxMessages) : { kind: 'messages', messages: [target] };
    return { task: { task: 'summarize' }, overrides: {}, source, messageId: target.id };
  }
  const task: TaskRequest = interaction.commandName === CONTEXT_MENUS.translate ? { task: 'translate' } : { task: 'entities' };
  // The target arrives with the interaction, content included, even without the Message Content intent.
  return { task, overrides: {}, source: { kind: 'messages', messages: [target] }, messageId: target.id };
}

/**
 * Slash commands, message context menus and the answers' feedback buttons. Every request is
 * deferred before anything else (Discord's deadline is 3 s), then read and handed to the
 * pipeline; the deferred reply shows progress, streamed text and finally the answer. Problems
 * replace it with a short message and a reference.
 */
export function registerInteractions(client: Client, deps: DiscordRequestDeps & VoteDeps & { settings: SettingsStore }): void {
  const run = async (interaction: Interaction): Promise<void> => {
    if (interaction.isButton()) {
      await answerVote(interaction, deps);
      return;
    }
    if (!interaction.isChatInputCommand() && !interaction.isMessageContextMenuCommand()) return;
    const reach = reachOf(client, interaction);
    if (interaction.isChatInputCommand() && interaction.commandName === 'genconfig') {
      if (interaction.inGuild() && reach.canRead) await handleGenconfig(interaction, deps);
      else await interaction.reply({ content: 'Settings can be changed only in servers Parley was added to.', flags: MessageFlags.Ephemeral, allowedMentions: NO_PINGS_OPTION });
      return;
    }
    const isPrivate = interaction.isChatInputCommand() ? (interaction.options.getBoolean('private') ?? false) : false;
    await interaction.deferReply(isPrivate ? { flags: MessageFlags.Ephemeral } : {});
    const guildId = interaction.guildId ?? undefined;
    const workspace = discordWorkspace(guildId, interaction.user.id);
    const requestId = requestJobId('discord', workspace, interaction.id);
    const waiting: DiscordWaiting = {
      kind: 'interaction',
      interaction: { applicationId: interaction.applicationId, token: interaction.token, createdAt: interaction.createdTimestamp },
      editReply: (content) => interaction.editReply({ content, allowedMentions: NO_PINGS_OPTION }),
    };
    let asked;
    try {
      asked = await readInteraction(client, interaction, deps.maxMessages, reach);
    } catch (err) {
      const scope = { platform: 'discord' as const, workspace, channel: interaction.channelId ?? workspace };
      await deps.pipeline.refuse({ requestId, scope }, err, { refused: discordRefusal(deps, waiting, requestId) }, 'parse');
      return;
    }
    const { request, replies } = discordRequest(deps, waiting, {
      requestId,
      ...(guildId && { guildId }),
      channelId: interaction.channelId ?? workspace,
      userId: interaction.user.id,
      private: isPrivate,
      ...(reach.userInstallOnly && { userInstallOnly: true }),
      ...asked,
    });
    await deps.pipeline.run(request, replies);
  };
  client.on(Events.InteractionCreate, (interaction) => {
    run(interaction).catch((err: Error) => deps.log.error({ interaction: interaction.id, err: err.message.slice(0, 200) }, 'interaction failed'));
  });
}
