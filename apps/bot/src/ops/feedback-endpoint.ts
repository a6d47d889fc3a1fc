import { isCodedError } from '@parley/errors';
import { feedbackTallySchema } from '@parley/jobs';
import type { Logger } from '@parley/service-kit';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { FeedbackStore } from '../core/feedback.js';
import { requireBasicAuth, type Credentials } from './basic-auth.js';

export const FEEDBACK_PATH = '/feedback';

const talliesSchema = z.array(feedbackTallySchema);
/** Both or neither: a workspace id means nothing without its platform. */
const filterSchema = z.union([z.object({ platform: z.string().min(1).max(40), workspace: z.string().min(1).max(100) }), z.object({ platform: z.undefined(), workspace: z.undefined() })]);

const json = (res: ServerResponse, status: number, value: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(value));
};

/**
 * GET /feedback: every vote tally as `{tallies: FeedbackTally[]}` (optionally `?platform=&workspace=`),
 * what the evaluation harness reads beside its offline scores; behind the ops port's basic auth.
 */
export function feedbackEndpoint(store: FeedbackStore, credentials: Credentials, log: Logger) {
  return (req: IncomingMessage, res: ServerResponse): boolean => {
    const url = new URL(req.url ?? '/', 'http://ops');
    if (url.pathname !== FEEDBACK_PATH) return false;
    if (!requireBasicAuth(req, res, credentials, 'Parley feedback')) return true;
    if (req.method !== 'GET') {
      json(res, 405, { error: 'method not allowed' });
      return true;
    }
    const filter = filterSchema.safeParse({ platform: url.searchParams.get('platform') ?? undefined, workspace: url.searchParams.get('workspace') ?? undefined });
    if (!filter.success) {
      json(res, 400, { error: 'give both platform and workspace, or neither' });
      return true;
    }
    const { platform, workspace } = filter.data;
    store
      .tallies(platform !== undefined && workspace !== undefined ? { platform, workspace } : undefined)
      .then((tallies) => json(res, 200, { tallies: talliesSchema.parse(tallies) }))
      .catch((err: unknown) => {
        log.warn({ code: isCodedError(err) ? err.code : 'UNEXPECTED' }, 'feedback tallies unavailable');
        json(res, 503, { error: isCodedError(err) ? err.userMessage : 'feedback unavailable' });
      });
    return true;
  };
}
