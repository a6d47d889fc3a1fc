import { INFERENCE_QUEUE, PLATFORMS, replyQueueName } from '@parley/jobs';
import { redisOptions, startOpsServer, type Logger } from '@parley/service-kit';
import { Queue } from 'bullmq';
import { BotMetrics } from '../core/bot-metrics.js';
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

/** The bot's ops port: /healthz, /metrics, and Bull Board at /queues when credentials are set. */
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
  const board = user && password ? queueBoard(queues, { user, password }) : undefined;
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
      ...(board && { other: board }),
    },
    config.BOT_OPS_HOST,
    config.BOT_OPS_PORT,
    { portSetting: 'BOT_OPS_PORT' },
  );
  log.info({ host: config.BOT_OPS_HOST, port: server.port, board: board ? BOARD_PATH : null }, 'ops server listening');
  if (!board) log.info('queue board disabled: set BULL_BOARD_USER and BULL_BOARD_PASSWORD to serve it at /queues on the ops port');

  return {
    metrics,
    port: server.port,
    close: async () => {
      await server.close();
      await Promise.all(queues.map((q) => q.close()));
    },
  };
}
