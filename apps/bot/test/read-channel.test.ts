import { WebClient } from '@slack/web-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_BOT, FakeSlack, type FakeSlackMessage } from '../../../test/helpers/fake-slack.js';
import { BotError } from '../src/core/bot-error.js';
import { readChannelWindow } from '../src/slack/reading/read-channel.js';
import { UserNames } from '../src/slack/reading/user-names.js';

const CHANNEL = 'C0WINDOW';
const HOUR = 3600;
const BASE = 1_790_000_000;
const NOW_MS = (BASE + 10 * HOUR) * 1000;
const at = (seconds: number) => `${BASE + seconds}.000100`;
const PARENT = at(9 * HOUR);

/** Oldest first, as a channel reads. */
const TOP: FakeSlackMessage[] = [
  { ts: at(0), user: 'U0MAYA', text: 'Kickoff notes from this morning.' },
  { ts: PARENT, user: 'U0MAYA', text: 'Release plan for Friday?' },
  { ts: at(9 * HOUR + 240), user: 'U0LENA', text: 'Broadcast: notes are written.', thread_ts: PARENT, subtype: 'thread_broadcast' },
  { ts: at(9 * HOUR + 300), user: 'U0OMAR', text: '<@U0OMAR> has joined the channel', subtype: 'channel_join' },
  { ts: at(9 * HOUR + 1800), user: 'U0OMAR', text: 'Deploy window is 5pm.' },
  { ts: at(9 * HOUR + 2000), user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, text: 'An earlier Parley answer.' },
  { ts: at(9 * HOUR + 2100), bot_id: 'B0CI', username: 'ci', subtype: 'bot_message', text: 'Build 42 passed.' },
  { ts: at(9 * HOUR + 2200), user: 'U0LENA', text: 'Pinned a message', subtype: 'pinned_item' },
];
const REPLIES: FakeSlackMessage[] = [
  TOP[1]!,
  { ts: at(9 * HOUR + 60), user: 'U0OMAR', text: 'The login fix lands Wednesday.', thread_ts: PARENT },
  { ts: at(9 * HOUR + 120), user: FAKE_BOT.userId, bot_id: FAKE_BOT.botId, text: 'Parley summary.', thread_ts: PARENT },
  { ts: at(9 * HOUR + 180), user: 'U0MAYA', text: 'Edited away', thread_ts: PARENT, subtype: 'message_changed' },
  TOP[2]!,
];

describe('readChannelWindow (conversations.history + the replies of its threads)', () => {
  const fake = new FakeSlack();
  let client: WebClient;
  let names: UserNames;
  const me = { botUserId: FAKE_BOT.userId, botId: FAKE_BOT.botId };

  beforeAll(async () => {
    await fake.start();
    fake.users.set('U0MAYA', 'Maya').set('U0OMAR', 'Omar').set('U0LENA', 'Lena');
    fake.topLevel.set(CHANNEL, TOP);
    fake.threads.set(`${CHANNEL}/${PARENT}`, REPLIES);
    client = new WebClient(FAKE_BOT.token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 } });
    names = new UserNames(client);
  });
  afterAll(() => fake.stop());

  it('the last N: content only, thread replies included once, oldest first, names for authors', async () => {
    const messages = await readChannelWindow(client, CHANNEL, { kind: 'last', count: 50 }, { ...me, limit: 1000, names });
    expect(messages.map((m) => [m.author, m.text])).toEqual([
      ['Maya', 'Kickoff notes from this morning.'],
      ['Maya', 'Release plan for Friday?'],
      ['Omar', 'The login fix lands Wednesday.'],
      ['Lena', 'Broadcast: notes are written.'],
      ['Omar', 'Deploy window is 5pm.'],
      ['ci', 'Build 42 passed.'],
    ]);
    expect(messages.find((m) => m.author === 'ci')!.isBot).toBe(true);
    expect(fake.callsTo('conversations.replies').map((c) => c.args['ts'])).toEqual([PARENT]);
  });

  it('the last N counts top-level messages; out-of-window ones stay out', async () => {
    const messages = await readChannelWindow(client, CHANNEL, { kind: 'last', count: 2 }, { ...me, limit: 1000, names });
    // The two newest content messages are the CI build and the deploy window; no thread among them.
    expect(messages.map((m) => m.text)).toEqual(['Deploy window is 5pm.', 'Build 42 passed.']);
  });

  it('since: only messages after the moment, with the replies of threads started in it', async () => {
    const history = fake.callsTo('conversations.history').length;
    const messages = await readChannelWindow(client, CHANNEL, { kind: 'since', seconds: 2 * HOUR, label: '2h' }, { ...me, limit: 1000, names, nowMs: NOW_MS });
    expect(messages.map((m) => m.text)).toEqual([
      'Release plan for Friday?',
      'The login fix lands Wednesday.',
      'Broadcast: notes are written.',
      'Deploy window is 5pm.',
      'Build 42 passed.',
    ]);
    expect(fake.callsTo('conversations.history')[history]!.args['oldest']).toBe(`${BASE + 8 * HOUR}.000000`);
  });

  it('pages conversations.history by cursor, at most 200 a page, and stops at N', async () => {
    const channel = 'C0BUSY';
    fake.topLevel.set(channel, Array.from({ length: 450 }, (_, i) => ({ ts: at(i), user: 'U0OMAR', text: `update ${i}` })));
    const before = fake.callsTo('conversations.history').length;
    const messages = await readChannelWindow(client, channel, { kind: 'last', count: 300 }, { ...me, limit: 1000, names });
    const calls = fake.callsTo('conversations.history').slice(before);
    expect(calls.map((c) => [c.args['limit'], c.args['cursor']])).toEqual([
      ['200', undefined],
      ['200', '200'],
    ]);
    expect(messages).toHaveLength(300);
    expect(messages[0]!.text).toBe('update 150');
    expect(messages.at(-1)!.text).toBe('update 449');
  });

  it('everything read is bounded by the maximum, newest threads first', async () => {
    const channel = 'C0THREADS';
    const parents = Array.from({ length: 5 }, (_, i) => ({ ts: at(i * 100), user: 'U0MAYA', text: `topic ${i}` }));
    fake.topLevel.set(channel, parents);
    for (const p of parents) {
      fake.threads.set(`${channel}/${p.ts}`, [p, ...Array.from({ length: 3 }, (_, j) => ({ ts: at(Number(p.ts.split('.')[0]) - BASE + j + 1), user: 'U0OMAR', text: `${p.text} reply ${j}`, thread_ts: p.ts }))]);
    }
    const before = fake.callsTo('conversations.replies').length;
    const messages = await readChannelWindow(client, channel, { kind: 'last', count: 5 }, { ...me, limit: 7, names });
    // The newest thread's replies fill the bound; older threads are not read at all.
    expect(fake.callsTo('conversations.replies').slice(before).map((c) => [c.args['ts'], c.args['limit']])).toEqual([[parents[4]!.ts, '3']]);
    expect(messages.map((m) => m.text)).toEqual(['topic 0', 'topic 1', 'topic 2', 'topic 3', 'topic 4', 'topic 4 reply 0', 'topic 4 reply 1']);
  });

  it('not_in_channel and missing_scope become messages a user can act on', async () => {
    fake.channelErrors.set('C0NOTIN', 'not_in_channel');
    fake.missingScopes.set('G0SECRET', 'groups:history');
    const failure = (channel: string) =>
      readChannelWindow(client, channel, { kind: 'last', count: 5 }, { ...me, limit: 100, names }).then(
        () => undefined,
        (err: unknown) => err as BotError,
      );
    const notIn = await failure('C0NOTIN');
    expect(notIn).toBeInstanceOf(BotError);
    expect(notIn!.userMessage).toBe("I'm not in this channel: invite me with `/invite @Parley`, then try again.");
    const scope = await failure('G0SECRET');
    expect(scope!.code).toBe('SLACK_MISSING_SCOPE');
    expect(scope!.userMessage).toBe('Parley is missing the Slack permission `groups:history` for this. A workspace admin must reinstall the app to grant it.');
  });
});
