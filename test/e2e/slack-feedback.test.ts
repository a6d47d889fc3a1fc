import { feedbackTallySchema, requestJobId } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppProcess } from '../helpers/app-process.js';
import { FAKE_BOT, FAKE_TEAM, FakeSlack, isPlaceholderText, type FakeSlackMessage } from '../helpers/fake-slack.js';
import { FakeSlackSocket } from '../helpers/fake-slack-socket.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { samples } from '../helpers/prometheus.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { startSlackBots } from '../helpers/slack-bot.js';
import type { SlackAck, SlackDriver, Transport } from '../helpers/slack-driver.js';
import { feedbackClick } from '../helpers/slack-interactions.js';
import { waitFor } from '../helpers/slack-request.js';

const OPS = { user: 'ops', password: 'a-long-board-password' };
const REPLY_MS = 30_000;
const channelOf = (t: Transport) => `C0FB${t.toUpperCase()}`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const feedbackResponse = z.object({ tallies: z.array(feedbackTallySchema) });

/** Where the answer's buttons are: the message carrying them, and the values Slack would send for 👍 and 👎. */
interface Buttons {
  messageTs: string;
  threadTs: string;
  blocks: unknown[] | undefined;
  up: string;
  down: string;
  /** Whether the values were read from the answer's feedback block, or made from its metadata's request id. */
  from: 'block' | 'metadata';
}

/**
 * 👍/👎 on a real answer over both transports: a real bot per transport and one real worker with
 * the tiny model, clicks as Slack's block_actions, the App Home, and the bots' ops ports.
 */
describe('Slack feedback over HTTP and Socket Mode', () => {
  const fake = new FakeSlack();
  const socket = new FakeSlackSocket(fake);
  const prefix = uniquePrefix('slack-feedback');
  let bots: Record<Transport, AppProcess>;
  let drivers: Record<Transport, SlackDriver>;
  const ops = {} as Record<Transport, string>;
  let worker: AppProcess;
  let nextThread = 0;

  beforeAll(async () => {
    const modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    await fake.start();
    await socket.start();
    const common = { REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' };
    worker = new AppProcess('worker', { ...common, MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1' });
    ({ bots, drivers } = await startSlackBots(fake, socket, { ...common, MAX_NEW_TOKENS: '8', BULL_BOARD_USER: OPS.user, BULL_BOARD_PASSWORD: OPS.password }));
    const [httpOps, socketOps] = await Promise.all([bots.http.waitForLog('ops server listening'), bots.socket.waitForLog('ops server listening')]);
    for (const line of [httpOps, socketOps]) expect(line).toMatchObject({ feedback: '/feedback' });
    ops.http = `http://127.0.0.1:${String(httpOps['port'])}`;
    ops.socket = `http://127.0.0.1:${String(socketOps['port'])}`;
    await worker.waitForLog('worker ready');
  });

  afterAll(async () => {
    await Promise.all([bots?.http.stop(), bots?.socket.stop(), worker?.stop()]);
    await socket.stop();
    await fake.stop();
    await dropPrefix(prefix);
  });

  function newThread(channel: string): { ts: string; link: string } {
    const base = 1792000000 + ++nextThread * 10;
    const ts = `${base}.000100`;
    fake.threads.set(`${channel}/${ts}`, [
      { ts, user: 'U0MAYA', text: 'Can we ship the release on Friday?' },
      { ts: `${base + 1}.000100`, user: 'U0OMAR', text: 'The login fix lands on Wednesday.', thread_ts: ts },
    ]);
    return { ts, link: `https://parley-test.slack.invalid/archives/${channel}/p${ts.replace('.', '')}` };
  }

  /** The answer's feedback buttons once it is delivered: from its context_actions block, else from its metadata. */
  function buttonsOf(requestId: string, channel: string, threadTs: string): Buttons | undefined {
    const mine = (fake.threads.get(`${channel}/${threadTs}`) ?? []).filter(
      (m: FakeSlackMessage) => m.bot_id === FAKE_BOT.botId && m.metadata?.event_payload['request_id'] === requestId && !isPlaceholderText(m.text),
    );
    for (const m of mine) {
      const block = (m.blocks as { type?: string; elements?: { type?: string; positive_button?: { value?: string }; negative_button?: { value?: string } }[] }[] | undefined)?.find(
        (b) => b.type === 'context_actions',
      );
      const buttons = block?.elements?.find((e) => e.type === 'feedback_buttons');
      if (buttons?.positive_button?.value && buttons.negative_button?.value) {
        return { messageTs: m.ts, threadTs, blocks: m.blocks, up: buttons.positive_button.value, down: buttons.negative_button.value, from: 'block' };
      }
    }
    const first = mine.find((m) => (m.metadata?.event_payload['part'] ?? 0) === 0);
    return first && { messageTs: first.ts, threadTs, blocks: first.blocks, up: `up:${requestId}`, down: `down:${requestId}`, from: 'metadata' };
  }

  const acked = (ack: SlackAck) => {
    expect(ack.status).toBe(200);
    expect(ack.body).toBeUndefined();
    expect(ack.latencyMs).toBeLessThan(3000);
    return ack;
  };

  const scrape = async (t: Transport) => samples(await (await fetch(`${ops[t]}/metrics`)).text());

  async function tallies(t: Transport, query = `?platform=slack&workspace=${FAKE_TEAM.id}`) {
    const res = await fetch(`${ops[t]}/feedback${query}`, { headers: { authorization: basic(OPS.user, OPS.password) } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    return feedbackResponse.parse(await res.json()).tallies;
  }

  describe.each(['http', 'socket'] as const)('over %s', (transport) => {
    const channel = channelOf(transport);
    const driver = () => drivers[transport];
    let buttons: Buttons;
    let requestId: string;

    /** One click on the answer's buttons by `user`; resolves with the private confirmation it got. */
    const click = async (user: string, value: string) => {
      const id = randomUUID();
      const payload = feedbackClick({ user, channel, messageTs: buttons.messageTs, threadTs: buttons.threadTs, blocks: buttons.blocks, value, responseUrl: fake.responseUrl(id), triggerId: id });
      acked(await driver().sendInteractive(payload as { type: string } & Record<string, unknown>));
      return waitFor(() => fake.responseUrlPosts.find((p) => p.path.endsWith(id))?.body, 5000, `the confirmation to ${user}`);
    };

    it('a /summarize answer carries 👍/👎 buttons for its request', async () => {
      const thread = newThread(channel);
      const triggerId = randomUUID();
      const ack = await driver().sendCommand('/summarize', thread.link, { channel, triggerId });
      expect(ack.body).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('Working on it') });
      requestId = requestJobId('summarize', FAKE_TEAM.id, triggerId);
      buttons = await waitFor(() => buttonsOf(requestId, channel, thread.ts), REPLY_MS, 'the answer');
      console.info(`[feedback] ${transport}: button values read from the answer's ${buttons.from}`);
      expect(buttons.up).toBe(`up:${requestId}`);
      expect(buttons.down).toBe(`down:${requestId}`);
    });

    it('a double click on 👍 counts once; both clicks are confirmed privately, the second says it was already counted', async () => {
      const before = await scrape(transport);
      const replies = await Promise.all([click('U0MAYA', buttons.up), click('U0MAYA', buttons.up)]);
      for (const r of replies) expect(r).toMatchObject({ response_type: 'ephemeral', replace_original: false });
      expect(replies.map((r) => r['text']).sort()).toEqual(['Thanks: your 👍 on this answer is counted.', 'You already gave this answer 👍; it is counted once.']);
      const mine = (await tallies(transport)).filter((t) => t.channel === channel);
      expect(mine).toEqual([{ platform: 'slack', workspace: FAKE_TEAM.id, channel, task: 'summarize', model: expect.any(String), template: expect.any(String), up: 1, down: 0 }]);
      const series = `parley_feedback_votes_total{platform="slack",task="summarize",model="${mine[0]!.model}",template="${mine[0]!.template}",vote="up"}`;
      expect((await scrape(transport)).get(series)! - (before.get(series) ?? 0)).toBe(1);
    });

    it('a 👎 by another user is counted separately, and a changed mind moves it', async () => {
      expect((await click('U0OMAR', buttons.down))['text']).toBe('Thanks: your 👎 on this answer is counted.');
      expect((await tallies(transport)).filter((t) => t.channel === channel)).toMatchObject([{ up: 1, down: 1 }]);
      expect((await click('U0LENA', buttons.down))['text']).toBe('Thanks: your 👎 on this answer is counted.');
      expect((await click('U0LENA', buttons.up))['text']).toBe('Changed your vote on this answer to 👍.');
      expect((await tallies(transport)).filter((t) => t.channel === channel)).toMatchObject([{ up: 2, down: 1 }]);
    });

    it('the App Home shows the counts for the channel, task, model and template', async () => {
      const [tally] = (await tallies(transport)).filter((t) => t.channel === channel);
      const published = fake.views.length;
      acked(await driver().openAppHome('U0MAYA', `Ev${randomUUID().slice(0, 10)}`));
      const home = await waitFor(() => fake.views.slice(published).find((v) => v.method === 'views.publish' && v.userId === 'U0MAYA'), 5000, 'views.publish');
      const text = JSON.stringify(home.view['blocks']);
      expect(text).toContain('"Feedback"');
      expect(text).toContain(`<#${channel}> · summarize · \`${tally!.model}\` · ${tally!.template}: 👍 2 · 👎 1`);
    });

    it('/metrics shows parley_feedback_votes_total by task, model, template and vote', async () => {
      const [tally] = (await tallies(transport)).filter((t) => t.channel === channel);
      const s = await scrape(transport);
      const series = (vote: string) => `parley_feedback_votes_total{platform="slack",task="summarize",model="${tally!.model}",template="${tally!.template}",vote="${vote}"}`;
      // This bot counted its own transport's clicks: MAYA's and LENA's 👍 (her change), OMAR's and LENA's 👎.
      expect([s.get(series('up')), s.get(series('down'))]).toEqual([2, 2]);
    });

    it('a click whose value Parley did not write is acked, logged without its value, and answers nothing', async () => {
      const posts = fake.responseUrlPosts.length;
      const id = randomUUID();
      const forged = `sideways:${randomUUID()}`;
      const payload = feedbackClick({ user: 'U0MAYA', channel, messageTs: buttons.messageTs, threadTs: buttons.threadTs, value: forged, responseUrl: fake.responseUrl(id) });
      acked(await driver().sendInteractive(payload as { type: string } & Record<string, unknown>));
      const line = await waitFor(() => bots[transport].logs.find((l) => l.msg === 'feedback click with an unreadable value ignored' && l['user'] === 'U0MAYA'), 5000, 'the warning');
      expect(line['level']).toBe(40);
      expect(JSON.stringify(bots[transport].logs)).not.toContain(forged);
      await new Promise((r) => setTimeout(r, 300));
      expect(fake.responseUrlPosts.slice(posts)).toEqual([]);
    });

    it('a click without a response_url is confirmed with chat.postEphemeral in the answer\'s thread', async () => {
      const calls = fake.calls.length;
      const payload = feedbackClick({ user: 'U0NOURL', channel, messageTs: buttons.messageTs, threadTs: buttons.threadTs, blocks: buttons.blocks, value: buttons.up, responseUrl: '' });
      delete payload['response_url'];
      delete payload['trigger_id'];
      acked(await driver().sendInteractive(payload as { type: string } & Record<string, unknown>));
      const sent = await waitFor(() => fake.callsTo('chat.postEphemeral').find((c) => fake.calls.indexOf(c) >= calls && c.args['user'] === 'U0NOURL'), 5000, 'the ephemeral confirmation');
      expect(sent.args).toMatchObject({ channel, thread_ts: buttons.threadTs, text: 'Thanks: your 👍 on this answer is counted.' });
      expect((await tallies(transport)).filter((t) => t.channel === channel)).toMatchObject([{ up: 3, down: 1 }]);
    });

    it('a vote on an answer Parley does not know says it is too old', async () => {
      const reply = await click('U0MAYA', `up:summarize-${randomUUID()}`);
      expect(reply['text']).toBe('This answer is too old to vote on.');
    });
  });

  it('/feedback lists every tally across workspaces without a filter, and refuses a half filter', async () => {
    const all = await tallies('http', '');
    expect(all.filter((t) => t.channel.startsWith('C0FB')).map((t) => [t.channel, t.up, t.down])).toEqual(
      expect.arrayContaining([
        [channelOf('http'), 3, 1],
        [channelOf('socket'), 3, 1],
      ]),
    );
    const half = await fetch(`${ops.http}/feedback?platform=slack`, { headers: { authorization: basic(OPS.user, OPS.password) } });
    expect(half.status).toBe(400);
  });

  it('/feedback answers 401 without the ops credentials or with wrong ones', async () => {
    const none = await fetch(`${ops.http}/feedback`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/^Basic realm="Parley feedback"/);
    expect((await fetch(`${ops.http}/feedback`, { headers: { authorization: basic(OPS.user, 'wrong-password!') } })).status).toBe(401);
  });

  it('no log line of either bot carries a vote confirmation or answer text', () => {
    for (const t of ['http', 'socket'] as const) {
      const logs = JSON.stringify(bots[t].logs);
      expect(logs).not.toContain('on this answer is counted');
      expect(logs).not.toContain('Can we ship the release');
      expect(bots[t].logs.filter((l) => l.msg === 'feedback vote').length).toBeGreaterThanOrEqual(5);
    }
  });
});
