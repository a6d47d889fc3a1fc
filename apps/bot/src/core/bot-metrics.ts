import type { ReplyJob } from '@parley/jobs';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** When a request was queued and when a worker (last) started it, read from its BullMQ job. */
export interface RequestTimes {
  task: string;
  /** BullMQ `timestamp`: when the job was added. */
  enqueuedAt: number;
  /** BullMQ `processedOn`: when its last attempt started. */
  startedAt?: number | undefined;
}

export type RequestLookup = (requestId: string) => Promise<RequestTimes | undefined>;

/** What platform adapters report; nothing in it is specific to one platform. */
export interface PlatformMetrics {
  /** A request's reply (an answer or a failure message) is out on the platform. */
  replyDelivered(platform: string, reply: ReplyJob): void;
  /** A reply could not be posted and will not be retried. */
  deliveryFailed(platform: string, code: string): void;
  /** The platform answered HTTP 429 to `method`. */
  rateLimited(platform: string, method: string): void;
  /** A user's 👍/👎 on an answer was counted (a new vote, or a changed one). */
  feedbackVoted(platform: string, answer: { task: string; model: string; template: string }, vote: 'up' | 'down'): void;
}

/**
 * The bot's Prometheus metrics: requests by result, time in queue and end to end, generation
 * speed as the worker reported it, failures by code and platform 429s. Counted when a reply is
 * delivered, which happens once per request across all bot instances.
 */
export class BotMetrics implements PlatformMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'platform' | 'task' | 'result'>;
  private readonly failures: Counter<'platform' | 'stage' | 'code'>;
  private readonly rateLimits: Counter<'platform' | 'method'>;
  private readonly votes: Counter<'platform' | 'task' | 'model' | 'template' | 'vote'>;
  private readonly queueWait: Histogram<'platform' | 'task'>;
  private readonly latency: Histogram<'platform' | 'task'>;
  private readonly tokensPerSecond: Histogram<'platform' | 'task'>;

  constructor(
    private readonly lookup: RequestLookup,
    private readonly now: () => number = Date.now,
  ) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    this.requests = new Counter({
      name: 'parley_bot_requests_total',
      help: 'Requests whose reply was delivered, by result: ok, or the failure code the user was shown.',
      labelNames: ['platform', 'task', 'result'],
      registers,
    });
    this.failures = new Counter({
      name: 'parley_bot_failures_total',
      help: 'Failures by code; stage request: the worker could not answer; stage delivery: the reply could not be posted.',
      labelNames: ['platform', 'stage', 'code'],
      registers,
    });
    this.rateLimits = new Counter({
      name: 'parley_bot_platform_rate_limited_total',
      help: 'HTTP 429 answers from the chat platform, by API method.',
      labelNames: ['platform', 'method'],
      registers,
    });
    this.votes = new Counter({
      name: 'parley_feedback_votes_total',
      help: "Votes on answers counted by this bot instance, by the answer's task, model and prompt template version; a changed vote counts again under its new value.",
      labelNames: ['platform', 'task', 'model', 'template', 'vote'],
      registers,
    });
    // Every timing and speed is observed per platform and task.
    const perTask = (name: string, help: string, buckets: number[]) => new Histogram({ name, help, labelNames: ['platform', 'task'], buckets, registers });
    this.queueWait = perTask(
      'parley_bot_queue_wait_seconds',
      "Time from a request's enqueue until a worker started it (BullMQ processedOn - timestamp).",
      [0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900],
    );
    this.latency = perTask('parley_bot_reply_seconds', "Time from a request's enqueue until its reply was delivered.", [0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 900]);
    this.tokensPerSecond = perTask('parley_bot_tokens_per_second', 'Generation speed reported in reply stats (new tokens / generation time).', [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000]);
  }

  replyDelivered(platform: string, reply: ReplyJob): void {
    const deliveredAt = this.now();
    // Counting must never hold up or fail a delivery; a lost lookup only loses the timings.
    void this.lookup(reply.requestId)
      .catch(() => undefined)
      .then((times) => this.count(platform, reply, deliveredAt, times));
  }

  deliveryFailed(platform: string, code: string): void {
    this.failures.inc({ platform, stage: 'delivery', code });
  }

  rateLimited(platform: string, method: string): void {
    this.rateLimits.inc({ platform, method });
  }

  feedbackVoted(platform: string, answer: { task: string; model: string; template: string }, vote: 'up' | 'down'): void {
    this.votes.inc({ platform, task: answer.task, model: answer.model, template: answer.template, vote });
  }

  async scrape(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  private count(platform: string, reply: ReplyJob, deliveredAt: number, times: RequestTimes | undefined): void {
    const { outcome } = reply;
    const task = outcome.ok ? outcome.task : (times?.task ?? 'unknown');
    this.requests.inc({ platform, task, result: outcome.ok ? 'ok' : outcome.code });
    if (!outcome.ok) this.failures.inc({ platform, stage: 'request', code: outcome.code });
    if (outcome.ok && outcome.stats.newTokens > 0 && outcome.stats.generationMs > 0) {
      this.tokensPerSecond.observe({ platform, task }, outcome.stats.newTokens / (outcome.stats.generationMs / 1000));
    }
    if (!times) return;
    if (times.startedAt !== undefined) this.queueWait.observe({ platform, task }, Math.max(0, times.startedAt - times.enqueuedAt) / 1000);
    this.latency.observe({ platform, task }, Math.max(0, deliveredAt - times.enqueuedAt) / 1000);
  }
}
