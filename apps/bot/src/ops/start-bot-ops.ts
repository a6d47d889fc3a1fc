import { INFERENCE_QUEUE, PLATFORMS, replyQueueName } from '@parley/jobs';
import { connectRedis, redisOptions, startOpsServer, type Logger } from '@parley/service-kit';
import { Queue } from 'bullmq';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { BotMetrics } from '../core/bot-metrics.js';
import { FeedbackStore } from '../core/feedback.js';
import { FEEDBACK_PATH, feedbackEndpoint } from './feedback-endpoint.js';
import { BOARD_PATH, queueBoard } from './queue-board.js';
import { requestLookup } from './request-lookup.js';

export interface BotOpsConfig {
  REDIS_URL: string;
  PARLEY_QUEUE_PREFIX: string;
  BOT_OPS_HOST: string;
  BOT_OPS_PORT: number;
  BULL_BOARD_USER?: string | undefined;
  BULL_BOARD_PASSWORD?: string | undefined;
}

export interface BotOps {
  readonly metrics: BotMetrics;
  readonly port: number;
  close(): Promise<void>;
}

const HEALTH_TIMEOUT_MS = 1000;

/** The bot's ops port: /healthz, /metrics, and Bull Board at /queues and the vote tallies at /feedback when credentials are set. */
export async function startBotOps(config: BotOpsConfig, log: Logger): Promise<BotOps> {
  const prefix = config.PARLEY_QUEUE_PREFIX;
  const connection = { url: config.REDIS_URL, ...redisOptions('consumer') };
  const queues = [INFERENCE_QUEUE, ...PLATFORMS.map(replyQueueName)].map((name) => {
    const queue = new Queue(name, { connection, prefix });
    queue.on('error', (err) => log.error({ err: err.message, queue: name }, 'ops queue error'));
    return queue;
  });
  const inference = queues[0]!;
  const metrics = new BotMetrics(requestLookup(inference));

  const { BULL_BOARD_USER: user, BULL_BOARD_PASSWORD: password } = config;
  const credentials = user && password ? { user, password } : undefined;
  const board = credentials && queueBoard(queues, credentials);
  // A producer connection: a tally read while Redis is away fails at once instead of holding the request.
  const feedbackRedis = credentials && connectRedis(config.REDIS_URL, 'producer');
  if (feedbackRedis) {
    feedbackRedis.on('error', (err) => log.error({ err: err.message }, 'ops feedback redis error'));
    await feedbackRedis.connect();
  }
  const feedback = credentials && feedbackRedis && feedbackEndpoint(new FeedbackStore(feedbackRedis, prefix), credentials, log);
  const other = board && feedback && ((req: IncomingMessage, res: ServerResponse) => board(req, res) || feedback(req, res));
  const server = await startOpsServer(
    {
      health: async () => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<string>((resolve) => (timer = setTimeout(() => resolve('redis does not answer'), HEALTH_TIMEOUT_MS)));
        const answered = inference.getJobCounts('waiting').then(
          () => null,
          (err: Error) => `redis: ${err.message}`,
        );
        return Promise.race([answered, late]).finally(() => clearTimeout(timer));
      },
      metrics: () => metrics.scrape(),
      ...(other && { other }),
    },
    config.BOT_OPS_HOST,
    config.BOT_OPS_PORT,
    { portSetting: 'BOT_OPS_PORT' },
  );
  log.info({ host: config.BOT_OPS_HOST, port: server.port, board: board ? BOARD_PATH : null, feedback: feedback ? FEEDBACK_PATH : null }, 'ops server listening');
  if (!credentials) log.info('queue board and feedback tallies disabled: set BULL_BOARD_USER and BULL_BOARD_PASSWORD to serve them at /queues and /feedback on the ops port');

  return {
    metrics,
    port: server.port,
    close: async () => {
      await server.close();
      await Promise.all(queues.map((q) => q.close()));
      feedbackRedis?.disconnect();
    },
  };
}
