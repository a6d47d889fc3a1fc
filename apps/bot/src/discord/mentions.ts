import { requestJobId, type TaskRequest } from '@parley/jobs';
import { Events, type Client, type Message } from 'discord.js';
import type { Redis } from 'ioredis';
import { BotError } from '../core/bot-error.js';
import { parseMentionRequest } from '../core/mention-intent.js';
import { defaultSource, discordRefusal, discordRequest, type DiscordRequestDeps, type DiscordSource, type DiscordWaiting } from './discord-request.js';
import { NO_PINGS_OPTION } from './no-pings.js';

const HELP =
  'Mention me with **summarize this**, **translate to German**, **entities**, or a question about this thread or channel. ' +
  'Slash commands work too: `/summarize`, `/translate`, `/entities`, `/ask`; or use a message\'s **Apps** menu.';

/**
 * "@Parley summarize this", "@Parley translate to German" or a question. In a thread the thread
 * is the source; in a channel, a reply's referenced message is (for translate and entities) or
 * else the channel's recent messages. The answer replies to the mentioning message: a
 * placeholder first, edited as text streams in. Bots (Parley included) are never answered.
 * A reply to one of Parley's messages counts as a mention where Discord gives Parley its text
 * (the Message Content intent). A question after one of Parley's answers in what is read is a
 * follow-up: the next turn of a chat whose earlier turns include Parley's answers.
 */
export function registerMentions(client: Client, deps: DiscordRequestDeps & { redis: Redis; prefix: string }): void {
  const run = async (message: Message): Promise<void> => {
    if (message.author.bot || !message.inGuild() || !client.user) return;
    const repliedToParley = deps.messageContent && message.reference !== null && message.mentions.repliedUser?.id === client.user.id;
    if (!message.mentions.users.has(client.user.id) && !repliedToParley) return;
    // A dispatch replayed after a resume, or seen by a second bot instance, is handled once.
    const claimed = await deps.redis.set(`${deps.prefix}:discord-mention:${message.id}`, '1', 'EX', 3600, 'NX');
    if (claimed !== 'OK') return;
    const requestId = requestJobId('discord', message.guildId, message.id);
    const waiting: DiscordWaiting = { kind: 'mention', reply: (content) => message.reply({ content, allowedMentions: NO_PINGS_OPTION }) };
    const { intent, private: wantsPrivate } = parseMentionRequest(message.content.replace(/<@!/g, '<@'), client.user.id);
    if (intent.task === 'help') {
      await waiting.reply(HELP);
      return;
    }
    if (wantsPrivate) {
      const scope = { platform: 'discord' as const, workspace: message.guildId, channel: message.channelId };
      const err = new BotError('PRIVATE_IN_MENTION', 'A mention is public. For a private answer, use a slash command with `private: True`.');
      await deps.pipeline.refuse({ requestId, scope }, err, { refused: discordRefusal(deps, waiting, requestId) }, 'parse');
      return;
    }
    const task: TaskRequest = intent;
    const referenced = message.reference?.messageId && (task.task === 'translate' || task.task === 'entities') ? await message.fetchReference().catch(() => null) : null;
    const source: DiscordSource = referenced ? { kind: 'messages', messages: [referenced] } : defaultSource(message.channel, deps.maxMessages);
    const { request, replies } = discordRequest(deps, waiting, {
      requestId,
      guildId: message.guildId,
      channelId: message.channelId,
      userId: message.author.id,
      source,
      overrides: {},
      task,
      messageId: message.id,
      skipMessageId: message.id,
      ...(source.kind === 'channel' && { mentionIntent: intent }),
    });
    await deps.pipeline.run(request, replies);
  };
  client.on(Events.MessageCreate, (message) => {
    run(message).catch((err: Error) => deps.log.error({ message: message.id, err: err.message.slice(0, 200) }, 'mention failed'));
  });
}
