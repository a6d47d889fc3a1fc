export { DEFAULT_QUEUE_PREFIX, INFERENCE_QUEUE, JOB_RETENTION, PLATFORMS, replyQueueName, type Platform } from './queues.js';
export { replyJobId, requestJobId } from './job-id.js';
export { generationFrom, generationSettingsSchema, type GenerationSettings } from './generation.js';
export * from './schemas.js';
export { TASKS, taskSchema, type Task, type TaskRequest } from './tasks.js';
