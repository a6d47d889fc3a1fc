import type { Logger } from '@parley/service-kit';
import type { AnyMiddlewareArgs, Middleware } from '@slack/bolt';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/** The outer Events API body, as both transports deliver it; only what dedupe needs. */
const eventCallback = z.object({
  type: z.literal('event_callback'),
  event_id: z.string().min(1),
  team_id: z.string().optional(),
  enterprise_id: z.string().optional(),
});

/** How long an event id is remembered: Slack's last retry comes about 5 minutes after the first try. */
export const EVENT_CLAIM_TTL_SEC = 3600;
const CLAIM_TIMEOUT_MS = 1000;

/**
 * One claim per Slack event in Redis, shared by every bot process whichever transport
 * delivered the event: Slack retries an event whose ack it did not see, and an HTTP bot and a
 * Socket Mode bot of the same app can both be handed it.
 */
export class EventClaims {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly onError: (err: Error) => void,
  ) {}

  /**
   * True for the first delivery of the event, false for any later one. Fails open (true) when
   * Redis does not answer: the event is already acked and Slack will not send it again, so
   * failing closed would drop it for good, while a duplicate run is harmless downstream (job
   * ids come from the message, e.g. mention → channel + ts, so BullMQ keeps one job), and with
   * Redis down no job can be queued anyway: the user gets the "can't take requests" notice.
   */
  async claim(teamId: string, eventId: string): Promise<boolean> {
    const key = `${this.prefix}:slack:event:${teamId}:${eventId}`;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from Redis within ${CLAIM_TIMEOUT_MS} ms`)), CLAIM_TIMEOUT_MS);
    });
    const set = this.redis.set(key, '1', 'EX', EVENT_CLAIM_TTL_SEC, 'NX');
    // Lost the race to the timeout: its late failure must not become an unhandled rejection.
    set.catch(() => {});
    try {
      return (await Promise.race([set, timeout])) === 'OK';
    } catch (err) {
      this.onError(err instanceof Error ? err : new Error(String(err)));
      return true;
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Bolt global middleware: a repeated Events API delivery reaches no listener. Bolt has already
 * acked events before global middleware runs, so skipping costs the sender nothing. Commands
 * and interactions pass through: they must still be acked, and their job ids come from the
 * trigger_id, which a redelivery repeats.
 */
export function dedupeEvents(claims: EventClaims, log: Logger): Middleware<AnyMiddlewareArgs> {
  return async ({ body, context, next }) => {
    const parsed = eventCallback.safeParse(body);
    if (!parsed.success) return next();
    const { event_id: eventId, team_id: teamId, enterprise_id: enterpriseId } = parsed.data;
    if (await claims.claim(teamId ?? enterpriseId ?? '', eventId)) return next();
    log.info({ eventId, retryNum: context.retryNum, retryReason: context.retryReason }, 'duplicate Slack event skipped');
  };
}
