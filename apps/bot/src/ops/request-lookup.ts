import type { Queue } from 'bullmq';
import type { RequestLookup } from '../core/bot-metrics.js';

/** Reads a request's timestamps from its job on the inference queue (the job id is the request id). */
export function requestLookup(inference: Pick<Queue, 'getJob'>): RequestLookup {
  return async (requestId) => {
    const job = await inference.getJob(requestId);
    if (!job) return undefined;
    return { task: job.name, enqueuedAt: job.timestamp, startedAt: job.processedOn };
  };
}
