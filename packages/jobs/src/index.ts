export { DEFAULT_QUEUE_PREFIX, INFERENCE_QUEUE, JOB_RETENTION, PLATFORMS, replyQueueName, type Platform } from './queues.js';
export { replyJobId, requestJobId } from './job-id.js';
export * from './schemas.js';
