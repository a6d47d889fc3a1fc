import { FAKE_BOT, type FakeSlack, type FakeSlackMessage } from './fake-slack.js';
import { waitFor } from './slack-request.js';

/** Everything the user can see of a message: its text and its blocks. */
export const seen = (m: FakeSlackMessage) => `${m.text}\n${JSON.stringify(m.blocks ?? [])}`;

/** The footer under a finished answer: "_ask · 3 messages · t5 … · greedy_". */
const FOOTER = /_[a-z][^_\n]* · [^_\n]*_/;

/** Parley's messages in a thread (or a channel's top level) as they stand now. */
export const parleyIn = (fake: FakeSlack, channel: string, threadTs: string | undefined): FakeSlackMessage[] =>
  ((threadTs ? fake.threads.get(`${channel}/${threadTs}`) : fake.topLevel.get(channel)) ?? []).filter((m) => m.bot_id === FAKE_BOT.botId && m.text !== '');

/** Parley's finished answers there, in order: no longer streaming or waiting, with their footer. */
export const answersIn = (fake: FakeSlack, channel: string, threadTs: string | undefined): FakeSlackMessage[] =>
  parleyIn(fake, channel, threadTs).filter((m) => !m.streaming && FOOTER.test(seen(m)));

/** Waits for Parley's `n`th finished answer there; on a timeout, says what Parley had posted. */
export const nthAnswer = (fake: FakeSlack, channel: string, threadTs: string | undefined, n: number, timeoutMs: number): Promise<FakeSlackMessage> =>
  waitFor(() => answersIn(fake, channel, threadTs)[n - 1], timeoutMs, `answer ${n} in ${channel}/${threadTs ?? 'top level'}`).catch((err: Error) => {
    throw new Error(`${err.message}; Parley's messages there: ${JSON.stringify(parleyIn(fake, channel, threadTs))}`);
  });

/**
 * Message ts after every message the fake holds, Parley's answers too, and before the next one the
 * fake gives out (its counter moves a whole second per post): Slack's ts are in time order.
 */
export function laterTs(fake: FakeSlack, fromSec: number): () => string {
  let floor = fromSec;
  return () => {
    const all = [...fake.threads.values(), ...fake.topLevel.values()].flat().map((m) => m.ts.split('.').map(Number) as [number, number]);
    const [sec, frac] = all.reduce((a, b) => (b[0] > a[0] || (b[0] === a[0] && b[1] > a[1]) ? b : a), [floor, 0]);
    floor = sec;
    return `${sec}.${String(frac + 1000).padStart(6, '0')}`;
  };
}
