import { randomUUID } from 'node:crypto';
import type { AppProcess } from '../app-process.js';
import { FAKE_BOT, FakeSlack, isPlaceholderText, type FakeSlackMessage, type SlackAnswer } from '../fake-slack.js';
import { startSlackBot, SIGNING_SECRET } from '../slack-bot.js';
import { HttpSlackDriver, type SlackAck } from '../slack-driver.js';
import { FIXTURE, until, type AdapterDriver, type Asked, type Seen, type TableRequest } from './table.js';

const THREAD_CHANNEL = 'C0CFTHREAD';
const WINDOW = 'C0CFWINDOW';
const EMPTY = 'C0CFEMPTY';
const BUSY = 'C0CFBUSY';
const THREAD_TS = '1790100000.000100';
const USERS: Record<string, string> = { Maya: 'U0MAYA', Omar: 'U0OMAR', Lena: 'U0LENA' };

/** What a Slack user's own text is when the adapter refuses it in the ack or a notice. */
const isRefusal = (text: string) => text.startsWith(':hourglass: ') || text.startsWith(':warning: ');

/** Slack, over HTTP: signed slash commands, message shortcuts and Events API callbacks to the real Bolt app. */
export class SlackAdapterDriver implements AdapterDriver {
  readonly platform = 'slack';
  private readonly fake = new FakeSlack();
  private driver!: HttpSlackDriver;
  private process!: AppProcess;
  private nextTs = 1790200000;

  get bot(): AppProcess {
    return this.process;
  }

  async start(prefix: string, env: Record<string, string>): Promise<void> {
    const { fake } = this;
    for (const [name, id] of Object.entries(USERS)) fake.users.set(id, name);
    const thread: FakeSlackMessage[] = FIXTURE.thread.map((m, i) => ({ ts: `1790100000.00010${i}`, user: USERS[m.author]!, text: m.text, ...(i > 0 && { thread_ts: THREAD_TS }) }));
    fake.topLevel.set(THREAD_CHANNEL, [thread[0]!]);
    fake.threads.set(`${THREAD_CHANNEL}/${THREAD_TS}`, thread);
    fake.topLevel.set(WINDOW, FIXTURE.channel.map((m, i) => ({ ts: `1790110000.00010${i}`, user: USERS[m.author]!, text: m.text })));
    fake.topLevel.set(EMPTY, []);
    fake.topLevel.set(BUSY, []);
    await fake.start();
    const { bot, url } = await startSlackBot(fake, prefix, env);
    this.process = bot;
    this.driver = new HttpSlackDriver(fake, url, SIGNING_SECRET);
  }

  async stop(): Promise<void> {
    await this.process?.stop();
    await this.fake.stop();
  }

  private channelOf(source: TableRequest['source']): string {
    return { thread: THREAD_CHANNEL, channel: WINDOW, message: WINDOW, text: WINDOW, empty: EMPTY, busy: BUSY }[source];
  }

  async ask(r: TableRequest): Promise<Asked> {
    const channel = this.channelOf(r.source);
    const triggerId = randomUUID();
    const since = Date.now();
    const who = { channel, triggerId };
    let ack: SlackAck;
    if (r.source === 'thread') {
      ack = await this.driver.sendShortcut('summarize_thread', { ts: '1790100000.000101', thread_ts: THREAD_TS, user: 'U0OMAR', text: FIXTURE.thread[1].text }, who);
    } else if (r.source === 'message') {
      const latest = this.fake.topLevel.get(WINDOW)!.filter((m) => !m.bot_id).at(-1)!;
      ack = await this.driver.sendShortcut(r.task === 'translate' ? 'translate_message' : 'extract_entities', { ts: latest.ts, user: latest.user!, text: latest.text }, who);
    } else {
      const words = [r.private ? 'private' : '', r.task === 'summarize' && r.source === 'channel' ? 'last 5' : '', r.language ?? '', r.text ?? '', r.question ?? ''];
      ack = await this.driver.sendCommand(`/${r.task}`, words.filter(Boolean).join(' '), who);
    }
    const ackText = String((ack.body as { text?: unknown } | undefined)?.text ?? '');
    return this.asked(channel, since, ackText, triggerId);
  }

  async mentionTwice(): Promise<Asked> {
    const ts = `${this.nextTs++}.000100`;
    const text = `<@${FAKE_BOT.userId}> summarize`;
    this.fake.threads.get(`${THREAD_CHANNEL}/${THREAD_TS}`)!.push({ ts, user: 'U0OMAR', text, thread_ts: THREAD_TS });
    const event = { type: 'app_mention', user: 'U0OMAR', text, ts, channel: THREAD_CHANNEL, thread_ts: THREAD_TS, event_ts: ts };
    const since = Date.now();
    const eventId = `Ev${randomUUID().slice(0, 10)}`;
    await this.driver.sendEvent(event, eventId);
    // Slack retries an event it thinks went unanswered, with the same event_id.
    await this.driver.sendEvent(event, eventId, { retryNum: 1, retryReason: 'http_timeout' });
    return this.asked(THREAD_CHANNEL, since, '', undefined);
  }

  private asked(channel: string, since: number, ackText: string, triggerId: string | undefined): Asked {
    const answers = (): SlackAnswer[] => this.fake.answers().filter((a) => a.channel === channel && a.at >= since);
    const notices = () => (triggerId ? this.fake.responseUrlPosts.filter((p) => p.path.endsWith(triggerId)).map((p) => String(p.body['text'] ?? '')) : []);
    return {
      seen: () =>
        until<Seen>(
          () => {
            if (isRefusal(ackText)) return { text: ackText, privately: true };
            const notice = notices().find((t) => !isPlaceholderText(t));
            if (notice) return { text: notice, privately: true };
            const answer = answers()[0];
            return answer && { text: answer.text, privately: answer.method === 'chat.postEphemeral' };
          },
          60_000,
          `what the Slack requester sees in ${channel}`,
        ),
      answers: async () => answers().length,
    };
  }
}
