import type { Logger } from '@parley/service-kit';
import type { PlatformMetrics } from './bot-metrics.js';
import type { FeedbackStore } from './feedback.js';
import type { ReplyConsumerDeps } from './reply-consumer.js';
import type { RequestPipeline } from './request-pipeline.js';
import type { SettingsStore } from './settings-store.js';

/** What `main.ts` hands every chat adapter: the one way into the queue, the settings, and what its reply consumer needs. */
export interface AdapterContext {
  pipeline: RequestPipeline;
  settings: SettingsStore;
  /** Votes on answers: adapters record their platform's 👍/👎 clicks here. */
  feedback: FeedbackStore;
  log: Logger;
  metrics: PlatformMetrics;
  /** The reply consumer's dependencies but its Redis connection, which each adapter opens for itself. */
  replyDeps: Omit<ReplyConsumerDeps, 'redis'>;
}
