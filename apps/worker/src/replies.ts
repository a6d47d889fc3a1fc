import { JOB_RETENTION, PLATFORMS, replyJobId, replyQueueName, type Platform, type ReplyJob, type ReplyOutcome, type ReplyTarget } from '@parley/jobs';
import { Queue, type ConnectionOptions } from 'bullmq';

/**
 * Hands outcomes to the reply queue of the request's platform. The reply's job id is derived
 * from the request id, so whichever path reports first (the processor, the reduce step of a
 * flow, or the fallback for a job that failed without them) wins, and a second report is a no-op.
 */
export class Replies {
  private readonly queues: Map<Platform, Queue>;

  constructor(connection: ConnectionOptions, prefix: string) {
    this.queues = new Map(
      PLATFORMS.map((p) => [
        p,
        new Queue(replyQueueName(p), {
          connection,
          prefix,
          defaultJobOptions: { attempts: 8, backoff: { type: 'exponential', delay: 1000, jitter: 0.5 }, ...JOB_RETENTION },
        }),
      ]),
    );
  }

  onError(handler: (err: Error, queue: string) => void): void {
    for (const q of this.queues.values()) q.on('error', (err) => handler(err, q.name));
  }

  async send(request: { requestId: string; target: ReplyTarget }, outcome: ReplyOutcome): Promise<void> {
    const reply: ReplyJob = { version: 1, requestId: request.requestId, target: request.target, outcome };
    await this.queues.get(request.target.platform)!.add('reply', reply, { jobId: replyJobId(request.requestId) });
  }

  async close(): Promise<void> {
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}
