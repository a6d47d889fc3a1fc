import { INFERENCE_QUEUE, JOB_RETENTION, summarizeJobSchema, type SummarizeJob } from '@parley/jobs';
import { redisOptions } from '@parley/service-kit';
import { Queue } from 'bullmq';
import { UserFacingError } from './user-facing-error.js';

/**
 * Puts validated requests on the inference queue. The job id is the request id, so a request
 * delivered twice is queued once.
 */
export class Intake {
  private readonly queue: Queue;

  constructor(redisUrl: string, prefix: string, onError: (err: Error) => void) {
    this.queue = new Queue(INFERENCE_QUEUE, {
      connection: { url: redisUrl, ...redisOptions('producer') },
      prefix,
      defaultJobOptions: {
        attempts: 3,
        backoff: { type: 'exponential', delay: 2000, jitter: 0.5 },
        ...JOB_RETENTION,
      },
    });
    this.queue.on('error', onError);
  }

  /** Adding an id that already exists is a no-op in BullMQ, which is what makes redelivery safe. */
  async submit(job: SummarizeJob): Promise<void> {
    const data = summarizeJobSchema.parse(job);
    try {
      await this.queue.add(data.task, data, { jobId: data.requestId });
    } catch (err) {
      throw new UserFacingError('QUEUE_UNAVAILABLE', "Parley can't take requests right now. Please try again in a minute.", {
        cause: err,
      });
    }
  }

  /** Resolves once the queue's Redis connection is up; producers fail fast rather than buffer. */
  async ready(): Promise<void> {
    await this.queue.waitUntilReady();
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}
