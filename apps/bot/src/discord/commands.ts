import { PRESET_NAMES } from '@parley/settings';
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ApplicationIntegrationType,
  InteractionContextType,
  PermissionFlagsBits,
  type RESTPostAPIApplicationCommandsJSONBody,
} from 'discord.js';

/** The names Discord shows for the message context-menu commands; interactions arrive under these. */
export const CONTEXT_MENUS = {
  summarize: 'Summarize thread',
  translate: 'Translate message',
  entities: 'Extract entities',
} as const;

const privateOption = {
  name: 'private',
  description: 'Only you see the answer',
  type: ApplicationCommandOptionType.Boolean,
  required: false,
} as const;

const settingsOption = {
  name: 'settings',
  description: 'Generation settings for this request, e.g. temperature=0.3 preset=creative',
  type: ApplicationCommandOptionType.String,
  required: false,
  max_length: 300,
} as const;

/** Installed to a server only, and used in servers only. */
const guildOnly = { integration_types: [ApplicationIntegrationType.GuildInstall], contexts: [InteractionContextType.Guild] };

/**
 * Installed to a server or to a user's account, and used in servers, in the bot's DM and in
 * private channels. Where only the user installed Parley, its bot is not there: it answers
 * through the interaction alone and reads nothing but what the interaction carries.
 */
const anywhere = {
  integration_types: [ApplicationIntegrationType.GuildInstall, ApplicationIntegrationType.UserInstall],
  contexts: [InteractionContextType.Guild, InteractionContextType.BotDM, InteractionContextType.PrivateChannel],
};

/** Every command Parley registers, as Discord's API takes them. */
export function commandDefinitions(maxMessages: number): RESTPostAPIApplicationCommandsJSONBody[] {
  return [
    {
      name: 'summarize',
      description: 'Summarize this thread, or the recent messages of this channel',
      ...anywhere,
      options: [
        { name: 'last', description: 'How many recent messages to read (default 50)', type: ApplicationCommandOptionType.Integer, min_value: 1, max_value: maxMessages },
        { name: 'since', description: 'How far back to read, e.g. 30m, 2h or 1d', type: ApplicationCommandOptionType.String, max_length: 20 },
        settingsOption,
        privateOption,
      ],
    },
    {
      name: 'translate',
      description: 'Translate text, or this thread',
      ...anywhere,
      options: [
        { name: 'language', description: 'The language to translate into, e.g. German', type: ApplicationCommandOptionType.String, required: true, max_length: 60 },
        { name: 'text', description: 'What to translate (this thread when empty)', type: ApplicationCommandOptionType.String, max_length: 4000 },
        settingsOption,
        privateOption,
      ],
    },
    {
      name: 'entities',
      description: 'List the people, organisations, places and dates in text, or this thread',
      ...anywhere,
      options: [
        { name: 'text', description: 'Where to look (this thread when empty)', type: ApplicationCommandOptionType.String, max_length: 4000 },
        settingsOption,
        privateOption,
      ],
    },
    {
      name: 'ask',
      description: 'Ask a question about this thread or the recent messages of this channel',
      ...anywhere,
      options: [
        { name: 'question', description: 'Your question', type: ApplicationCommandOptionType.String, required: true, max_length: 2000 },
        settingsOption,
        privateOption,
      ],
    },
    {
      name: 'genconfig',
      description: "Show or change Parley's generation settings for this channel",
      ...guildOnly,
      // Discord hides the command from members without Manage Channels; the handler checks again.
      default_member_permissions: PermissionFlagsBits.ManageChannels.toString(),
      options: [
        { name: 'show', description: "Show this channel's settings", type: ApplicationCommandOptionType.Subcommand },
        {
          name: 'set',
          description: 'Change settings, e.g. temperature=0.7 top_p=0.9 sample',
          type: ApplicationCommandOptionType.Subcommand,
          options: [{ name: 'settings', description: 'key=value pairs', type: ApplicationCommandOptionType.String, required: true, max_length: 300 }],
        },
        {
          name: 'preset',
          description: 'Apply a preset',
          type: ApplicationCommandOptionType.Subcommand,
          options: [
            {
              name: 'name',
              description: 'The preset',
              type: ApplicationCommandOptionType.String,
              required: true,
              choices: PRESET_NAMES.map((p) => ({ name: p, value: p })),
            },
          ],
        },
        { name: 'reset', description: "Clear this channel's settings", type: ApplicationCommandOptionType.Subcommand },
      ],
    },
    ...Object.values(CONTEXT_MENUS).map((name) => ({ name, type: ApplicationCommandType.Message as const, ...anywhere })),
  ];
}
