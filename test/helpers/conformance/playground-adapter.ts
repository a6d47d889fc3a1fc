import { randomUUID } from 'node:crypto';
import { AppProcess } from '../app-process.js';
import { postJson, type PlaygroundMessage } from '../playground.js';
import { REDIS_URL } from '../redis.js';
import { FIXTURE, until, type AdapterDriver, type Asked, type Seen, type TableRequest } from './table.js';

const CHANNELS = { thread: 'cf-thread', channel: 'cf-window', message: 'cf-window', text: 'cf-window', empty: 'cf-empty', busy: 'cf-busy' } as const;

/** The web playground: the page's own HTTP calls, as its script makes them. */
export class PlaygroundAdapterDriver implements AdapterDriver {
  readonly platform = 'playground';
  private process!: AppProcess;
  private base = '';
  private threadId = '';

  get bot(): AppProcess {
    return this.process;
  }

  private api(channel: string, path: string): string {
    return `${this.base}api/c/${channel}/${path}`;
  }

  private async send(channel: string, text: string, extra: { threadId?: string; clientId?: string } = {}): Promise<{ message: PlaygroundMessage; reply?: PlaygroundMessage }> {
    const { status, body } = await postJson(this.api(channel, 'messages'), { text, ...extra });
    if (status !== 200) throw new Error(`playground POST answered ${status}: ${JSON.stringify(body)}`);
    return body as unknown as { message: PlaygroundMessage; reply?: PlaygroundMessage };
  }

  async start(prefix: string, env: Record<string, string>): Promise<void> {
    this.process = new AppProcess('bot', { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info', PLAYGROUND_PORT: '0', ...env });
    this.base = String((await this.process.waitForLog('playground ready')).url);
    for (const name of new Set(Object.values(CHANNELS))) await postJson(`${this.base}api/channels`, { name });
    // The playground has one user: the fixture's words, in the fixture's order.
    const [first, ...replies] = FIXTURE.thread;
    this.threadId = (await this.send(CHANNELS.thread, first.text)).message.id;
    for (const m of replies) await this.send(CHANNELS.thread, m.text, { threadId: this.threadId });
    for (const m of FIXTURE.channel) await this.send(CHANNELS.channel, m.text);
  }

  async stop(): Promise<void> {
    await this.process?.stop();
  }

  async ask(r: TableRequest): Promise<Asked> {
    const channel = CHANNELS[r.source];
    let line: string;
    if (r.source === 'message') line = r.task === 'translate' ? '/translate English' : '/entities';
    else line = [`/${r.task}`, r.private ? 'private' : '', r.task === 'summarize' && r.source === 'channel' ? 'last 5' : '', r.language ?? '', r.text ?? '', r.question ?? ''].filter(Boolean).join(' ');
    const posted = await this.send(channel, line, { clientId: randomUUID(), ...(r.source === 'thread' && { threadId: this.threadId }) });
    return this.asked(channel, [posted]);
  }

  async mentionTwice(): Promise<Asked> {
    const clientId = randomUUID();
    // The page sends again when the first POST's answer is lost, with the same id.
    const first = await this.send(CHANNELS.thread, '@Parley summarize', { clientId, threadId: this.threadId });
    const again = await this.send(CHANNELS.thread, '@Parley summarize', { clientId, threadId: this.threadId });
    return this.asked(CHANNELS.thread, [first, again]);
  }

  private asked(channel: string, posts: { message: PlaygroundMessage; reply?: PlaygroundMessage }[]): Asked {
    const messages = async () => ((await (await fetch(this.api(channel, 'messages'))).json()) as { messages: PlaygroundMessage[] }).messages;
    const replyIds = new Set(posts.flatMap((p) => (p.reply ? [p.reply.id] : [])));
    const finals = async () => (await messages()).filter((m) => replyIds.has(m.id) && (m.state === 'done' || m.state === 'failed'));
    return {
      seen: () =>
        until<Seen>(
          async () => {
            const [reply] = await finals();
            return reply && { text: [reply.text, reply.footer].filter(Boolean).join('\n'), privately: reply.private === true };
          },
          60_000,
          `the reply in #${channel}`,
        ),
      answers: async () => (await finals()).length,
    };
  }
}
