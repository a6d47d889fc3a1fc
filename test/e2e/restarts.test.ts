import { INFERENCE_QUEUE, replyQueueName, requestJobId } from '@parley/jobs';
import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppProcess } from '../helpers/app-process.js';
import { FAKE_BOT, FAKE_TEAM, FakeSlack } from '../helpers/fake-slack.js';
import { MODEL_CACHE } from '../helpers/paths.js';
import { REDIS_URL, dropPrefix, uniquePrefix } from '../helpers/redis.js';
import { postSlashCommand, waitFor } from '../helpers/slack-request.js';

const SECRET = 'restart-secret';
const CHANNEL = 'C0RESTART';
const TS = '1790300000.000100';

/** Processes die and come back; no accepted request loses its reply, and none gets two. */
describe('restarts', () => {
  const fake = new FakeSlack();
  const prefix = uniquePrefix('restarts');
  const procs: AppProcess[] = [];
  let modelDir: string;
  let inference: Queue;
  let replies: Queue;
  const common = () => ({ REDIS_URL, PARLEY_QUEUE_PREFIX: prefix, LOG_LEVEL: 'info' });
  const startBot = async () => {
    const bot = new AppProcess('bot', {
      ...common(),
      SLACK_SIGNING_SECRET: SECRET,
      SLACK_BOT_TOKEN: FAKE_BOT.token,
      SLACK_API_URL: fake.apiUrl,
      PORT: '0',
      HOST: '127.0.0.1',
      MAX_NEW_TOKENS: '400',
    });
    procs.push(bot);
    const line = await bot.waitForLog('slack adapter listening');
    return { bot, url: `http://127.0.0.1:${String(line['port'])}/slack/events` };
  };
  const startWorker = async () => {
    const worker = new AppProcess('worker', { ...common(), MODEL_DIR: modelDir, ORT_INTRA_OP_THREADS: '1', SHUTDOWN_DEADLINE_MS: '20000' });
    procs.push(worker);
    await worker.waitForLog('worker ready');
    return worker;
  };
  const command = (url: string, triggerId: string) =>
    postSlashCommand(
      url,
      {
        team_id: FAKE_TEAM.id,
        channel_id: CHANNEL,
        user_id: 'U0MAYA',
        command: '/summarize',
        text: `https://x.slack.invalid/archives/${CHANNEL}/p${TS.replace('.', '')}`,
        response_url: fake.responseUrl(triggerId),
        trigger_id: triggerId,
      },
      SECRET,
    );

  beforeAll(async () => {
    modelDir = await ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
    await fake.start();
    fake.threads.set(`${CHANNEL}/${TS}`, [{ ts: TS, user: 'U0MAYA', text: 'Can we ship on Friday after the login fix?' }]);
    inference = new Queue(INFERENCE_QUEUE, { connection: { url: REDIS_URL }, prefix });
    replies = new Queue(replyQueueName('slack'), { connection: { url: REDIS_URL }, prefix });
  });

  afterAll(async () => {
    await Promise.all(procs.map((p) => p.stop()));
    await Promise.all([inference?.close(), replies?.close()]);
    await fake.stop();
    await dropPrefix(prefix);
  });

  it('the bot is killed while the job runs: after it restarts, the reply is posted once', async () => {
    const { bot, url } = await startBot();
    const triggerId = randomUUID();
    await command(url, triggerId);
    await bot.waitForLog('summarize queued');
    bot.kill('SIGKILL');
    await bot.exited;
    const worker = await startWorker();
    const requestId = requestJobId('summarize', FAKE_TEAM.id, triggerId);
    // The worker finishes while no bot is running; the reply waits in Redis.
    await waitFor(async () => ((await replies.getJobCountByTypes('waiting')) === 1 ? true : undefined), 60_000, 'the reply to be queued');
    expect(fake.answers()).toHaveLength(0);
    await startBot();
    const post = await waitFor(() => fake.answers()[0], 20_000, 'the reply after the restart');
    expect(post).toMatchObject({ channel: CHANNEL, threadTs: TS });
    await new Promise((r) => setTimeout(r, 1000));
    // One placeholder, posted before the kill; the answer replaced it.
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);
    expect(fake.answers()).toHaveLength(1);
    expect((await inference.getJob(requestId))!.attemptsStarted).toBe(1);
    await worker.stop();
  });

  it('SIGTERM lets the worker finish the job in hand, reply, and exit 0', async () => {
    const { url } = await startBot();
    const worker = await startWorker();
    const posted = fake.answers().length;
    const triggerId = randomUUID();
    await command(url, triggerId);
    const requestId = requestJobId('summarize', FAKE_TEAM.id, triggerId);
    await waitFor(async () => ((await inference.getJob(requestId))?.processedOn ? true : undefined), 20_000, 'the job to start');
    const stopping = performance.now();
    worker.kill('SIGTERM');
    expect(await worker.exited).toBe(0);
    const exitMs = performance.now() - stopping;
    expect(await (await inference.getJob(requestId))!.getState()).toBe('completed');
    await waitFor(() => fake.answers()[posted], 20_000, 'the reply');
    console.info(`[restarts] SIGTERM with a job in hand: finished it and exited in ${Math.round(exitMs)} ms`);
  });
});
