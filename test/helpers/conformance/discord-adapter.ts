import type { AppProcess } from '../app-process.js';
import { startDiscordBot } from '../discord-bot.js';
import { FAKE_DISCORD, FakeDiscord, visibleText, type FakeUser, type RestCall } from '../fake-discord.js';
import { FIXTURE, until, type AdapterDriver, type Asked, type Seen, type TableRequest } from './table.js';

const USERS: Record<string, FakeUser> = {
  Maya: { id: '1300000000000000911', username: 'maya', nick: 'Maya' },
  Omar: { id: '1300000000000000912', username: 'omar', nick: 'Omar' },
  Lena: { id: '1300000000000000913', username: 'lena', nick: 'Lena' },
};
const WINDOW = '1300000000000000921';
const THREAD = '1300000000000000922';
const EMPTY = '1300000000000000923';
const BUSY = '1300000000000000924';
const EPHEMERAL = 64;

/** What the requester sees: content, or a Components V2 answer's text displays. */
const content = (c: RestCall) => visibleText(c.body);
/** A waiting reply's text, or streamed text: not the last word. */
const isWaiting = (text: string) => text.startsWith('⏳') || text.endsWith('✍️');

type Option = { name: string; type: number; value: unknown };

/** Discord: INTERACTION_CREATE and MESSAGE_CREATE over the fake gateway to the real discord.js client; replies over the fake REST API. */
export class DiscordAdapterDriver implements AdapterDriver {
  readonly platform = 'discord';
  private readonly fake = new FakeDiscord();
  private process!: AppProcess;

  get bot(): AppProcess {
    return this.process;
  }

  async start(prefix: string, env: Record<string, string>): Promise<void> {
    const { fake } = this;
    for (const u of Object.values(USERS)) fake.users.set(u.id, u);
    fake.addChannel(WINDOW, { name: 'conformance-window' });
    fake.addChannel(THREAD, { name: 'conformance-thread', parentId: WINDOW });
    fake.addChannel(EMPTY, { name: 'conformance-empty' });
    fake.addChannel(BUSY, { name: 'conformance-busy' });
    for (const m of FIXTURE.thread) fake.addMessage(THREAD, USERS[m.author]!, m.text);
    for (const m of FIXTURE.channel) fake.addMessage(WINDOW, USERS[m.author]!, m.text);
    await fake.start();
    this.process = await startDiscordBot(fake, prefix, FAKE_DISCORD.applicationId, env);
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    await this.fake.stop();
  }

  async ask(r: TableRequest): Promise<Asked> {
    const from = this.fake.calls.length;
    const user = USERS['Maya']!;
    let sent: { token: string };
    if (r.source === 'message') {
      const latest = this.fake.messages.get(WINDOW)!.filter((m) => (m['author'] as { bot?: boolean }).bot !== true).at(-1)!;
      const target: Record<string, unknown> = { ...latest, guild_id: FAKE_DISCORD.guildId };
      const id = String(target['id']);
      const name = r.task === 'translate' ? 'Translate message' : 'Extract entities';
      sent = this.fake.interact({ name, type: 3, target_id: id, resolved: { messages: { [id]: target } } }, { user, channelId: WINDOW });
    } else {
      const options: Option[] = [];
      if (r.task === 'summarize' && r.source === 'channel') options.push({ name: 'last', type: 4, value: 5 });
      if (r.language) options.push({ name: 'language', type: 3, value: r.language });
      if (r.text) options.push({ name: 'text', type: 3, value: r.text });
      if (r.question) options.push({ name: 'question', type: 3, value: r.question });
      if (r.private) options.push({ name: 'private', type: 5, value: true });
      const channelId = { thread: THREAD, channel: WINDOW, text: WINDOW, empty: EMPTY, busy: BUSY }[r.source];
      sent = this.fake.interact({ name: r.task, type: 1, options }, { user, channelId });
    }
    const { token } = sent;
    const calls = () => this.fake.calls.slice(from);
    const finals = () => calls().filter((c) => c.method === 'PATCH' && c.path === `/webhooks/${FAKE_DISCORD.applicationId}/${token}/messages/@original` && !isWaiting(content(c)));
    const deferredPrivately = () => {
      const defer = calls().find((c) => c.path.endsWith(`/${token}/callback`));
      return (Number((defer?.body?.['data'] as { flags?: number } | undefined)?.flags ?? 0) & EPHEMERAL) !== 0;
    };
    return {
      seen: () => until<Seen>(() => finals()[0] && { text: content(finals()[0]!), privately: deferredPrivately() }, 60_000, 'the final edit of the deferred reply'),
      answers: async () => finals().length,
    };
  }

  async mentionTwice(): Promise<Asked> {
    const from = this.fake.calls.length;
    const author = USERS['Omar']!;
    const message = this.fake.addMessage(THREAD, author, `<@${FAKE_DISCORD.botUser.id}> summarize`, { mentions: [FAKE_DISCORD.botUser] });
    const dispatch = { ...message, guild_id: FAKE_DISCORD.guildId, member: this.fake.member(author) };
    // A dispatch replayed after RESUME, or seen by a second bot instance, arrives twice.
    this.fake.dispatch('MESSAGE_CREATE', dispatch);
    this.fake.dispatch('MESSAGE_CREATE', dispatch);
    const calls = () => this.fake.calls.slice(from);
    const placeholders = () =>
      calls().filter((c) => c.method === 'POST' && c.path === `/channels/${THREAD}/messages` && (c.body?.['message_reference'] as { message_id?: string } | undefined)?.message_id === message['id']);
    const finals = () => calls().filter((c) => c.method === 'PATCH' && c.path.startsWith(`/channels/${THREAD}/messages/`) && !isWaiting(content(c)));
    return {
      seen: () => until<Seen>(() => finals()[0] && { text: content(finals()[0]!), privately: false }, 60_000, "the final edit of the mention's reply"),
      answers: async () => Math.max(placeholders().length, finals().length),
    };
  }
}
