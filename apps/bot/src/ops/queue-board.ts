import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import type { Queue } from 'bullmq';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { requireBasicAuth, type Credentials } from './basic-auth.js';

export const BOARD_PATH = '/queues';

type Handler = (req: IncomingMessage, res: ServerResponse) => boolean;

/**
 * Bull Board for `queues` under /queues, behind HTTP basic auth. Returns a handler for the ops
 * server that takes the paths under /queues and leaves the rest.
 */
export function queueBoard(queues: Queue[], credentials: Credentials): Handler {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(BOARD_PATH);
  createBullBoard({ queues: queues.map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  // An Express app is a plain (req, res, next) function; it expects the mount path already cut off.
  const app = adapter.getRouter() as (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => void;
  return (req, res) => {
    const url = req.url ?? '/';
    if (url !== BOARD_PATH && !url.startsWith(`${BOARD_PATH}/`) && !url.startsWith(`${BOARD_PATH}?`)) return false;
    if (!requireBasicAuth(req, res, credentials, 'Parley queues')) return true;
    req.url = url.slice(BOARD_PATH.length) || '/';
    app(req, res, (err) => {
      if (!res.headersSent) res.writeHead(err ? 500 : 404, { 'content-type': 'text/plain' });
      res.end(err ? 'queue board error\n' : 'not found\n');
    });
    return true;
  };
}
