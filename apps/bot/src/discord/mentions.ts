import { requestJobId } from '@parley/jobs';
import { Events, type Client, type Message } from 'discord.js';
import type { Redis } from 'ioredis';
import { parseMentionRequest } from '../core/mention-intent.js';
import { UserFacingError } from '../core/user-facing-error.js';
import { checkLanguage } from './command-options.js';
import { asUserFacing } from './discord-errors.js';
import { discordFailureText } from './format-reply.js';
import { NO_PINGS_OPTION } from './no-pings.js';
import { admitDiscord, defaultSource, queueDiscordTask, type DiscordSource, type DiscordTask, type DiscordTaskDeps } from './queue-task.js';

const HELP =
  'Mention me with **summarize this**, **translate to German**, **entities**, or a question about this thread or channel. ' +
  'Slash commands work too: `/summarize`, `/translate`, `/entities`, `/ask`; or use a message\'s **Apps** menu.';

/**
 * "@Parley summarize this", "@Parley translate to German" or a question. In a thread the thread
 * is the source; in a channel, a reply's referenced message is (for translate and entities) or
 * else the channel's recent messages. The answer replies to the mentioning message: a
 * placeholder first, edited as text streams in. Bots (Parley included) are never answered.
 */
export function registerMentions(client: Client, deps: DiscordTaskDeps & { redis: Redis; prefix: string }): void {
  const run = async (message: Message): Promise<void> => {
    if (message.author.bot || !message.inGuild() || !client.user || !message.mentions.users.has(client.user.id)) return;
    // A dispatch replayed after a resume, or seen by a second bot instance, is handled once.
    const claimed = await deps.redis.set(`${deps.prefix}:discord-mention:${message.id}`, '1', 'EX', 3600, 'NX');
    if (claimed !== 'OK') return;
    const requestId = requestJobId('discord', message.guildId, message.id);
    const reply = (content: string) => message.reply({ content, allowedMentions: NO_PINGS_OPTION });
    const text = message.content.replace(/<@!/g, '<@');
    const { intent, private: wantsPrivate } = parseMentionRequest(text, client.user.id);
    if (intent.task === 'help') {
      await reply(HELP);
      return;
    }
    try {
      if (wantsPrivate) throw new UserFacingError('PRIVATE_IN_MENTION', 'A mention is public. For a private answer, use a slash command with `private: True`.');
      const task: DiscordTask = intent.task === 'translate' ? { task: 'translate', language: checkLanguage(intent.language) } : intent;
      const referenced = message.reference?.messageId && (task.task === 'translate' || task.task === 'entities') ? await message.fetchReference().catch(() => null) : null;
      const source: DiscordSource = referenced ? { kind: 'messages', messages: [referenced] } : defaultSource(message.channel, deps.maxMessages);
      const refusal = await admitDiscord(deps, { guildId: message.guildId, channelId: message.channelId, userId: message.author.id }, requestId);
      if (refusal) throw refusal;
      await queueDiscordTask(deps, {
        requestId,
        guildId: message.guildId,
        channelId: message.channelId,
        userId: message.author.id,
        source,
        overrides: {},
        task,
        messageId: message.id,
        placeholder: async (working) => (await reply(working)).id,
      });
    } catch (err) {
      const failure = asUserFacing(err);
      const shown = failure instanceof UserFacingError ? failure : new UserFacingError('INTAKE_FAILED', 'Something went wrong.', { cause: err });
      deps.log.warn({ requestId, code: shown.code }, 'mention not queued');
      await reply(discordFailureText(shown.userMessage, requestId)).catch(() => {});
    }
  };
  client.on(Events.MessageCreate, (message) => {
    run(message).catch((err: Error) => deps.log.error({ message: message.id, err: err.message.slice(0, 200) }, 'mention failed'));
  });
}
