import { DEFAULT_QUEUE_PREFIX } from '@parley/jobs';
import { ConfigError, parseEnv } from '@parley/service-kit';
import { z } from 'zod';

export const schema = z.object({
  /** The Redis every bot and worker shares. */
  REDIS_URL: z.string().url().default('redis://127.0.0.1:6379'),
  /** Key prefix of the queues (separates deployments on one Redis; `{parley}` on Redis Cluster). */
  PARLEY_QUEUE_PREFIX: z.string().min(1).default(DEFAULT_QUEUE_PREFIX),
  /** Folder of the one model that serves every generative task (this or MODEL_REGISTRY is required). */
  MODEL_DIR: z.string().min(1).optional(),
  /** JSON file mapping tasks (and translation pairs) to model folders; see README. */
  MODEL_REGISTRY: z.string().min(1).optional(),
  /** Jobs held at once; their generations share one continuous batch per model. */
  WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(8),
  /** Most rows one model decodes in one batch. */
  BATCH_MAX_ROWS: z.coerce.number().int().min(1).max(256).default(32),
  /** Most memory one model's batched KV cache may reach, in MiB; newcomers wait beyond it. */
  BATCH_KV_BUDGET_MB: z.coerce.number().int().min(1).default(1024),
  /** onnxruntime threads per operator; all cores when unset. */
  ORT_INTRA_OP_THREADS: z.coerce.number().int().min(1).optional(),
  /** `cuda` needs onnxruntime-node installed with `ONNXRUNTIME_NODE_INSTALL=cuda12` (the compose gpu profile). */
  ORT_EXECUTION_PROVIDER: z.enum(['cpu', 'cuda']).default('cpu'),
  /** How long a job may hold its lock between renewals; short values only in tests. */
  WORKER_LOCK_MS: z.coerce.number().int().min(500).default(30_000),
  /** How long SIGTERM may take to finish in-flight work before the process exits anyway. */
  SHUTDOWN_DEADLINE_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Port of the /healthz and /metrics server; 0 picks a free one (logged at startup). */
  OPS_PORT: z.coerce.number().int().min(0).max(65_535).default(9464),
  /** Address the ops server binds to. */
  OPS_HOST: z.string().min(1).default('0.0.0.0'),
  /** How often partial text is published for streaming replies; the bot throttles its edits again per workspace. */
  PROGRESS_INTERVAL_MS: z.coerce.number().int().min(10).default(500),
});

export type WorkerConfig = z.infer<typeof schema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): WorkerConfig {
  const config = parseEnv(schema, env);
  if (!config.MODEL_DIR && !config.MODEL_REGISTRY) {
    throw new ConfigError(
      'MODEL_DIR is not set; set it to the folder of a Hugging Face ONNX export (e.g. Xenova/flan-t5-small), or set MODEL_REGISTRY to a models JSON file',
    );
  }
  return config;
}
