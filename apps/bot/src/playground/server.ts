import type { Logger } from '@parley/service-kit';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { z } from 'zod';
import { isCodedError } from '@parley/errors';
import { feedbackVoteSchema } from '@parley/jobs';
import type { PlatformMetrics } from '../core/bot-metrics.js';
import type { FeedbackStore } from '../core/feedback.js';
import { castVote } from '../core/vote.js';
import type { EventHub } from './hub.js';
import { renderPage } from './page.js';
import { PLAYGROUND_USER, type PlaygroundService } from './service.js';
import { newMessageId, type PlaygroundMessage, type PlaygroundStore } from './store.js';

/** Files shipped next to the sources: the page's script and the sample thread. */
const ASSET_DIR = new URL('../../src/playground/', import.meta.url);
const APP_JS = readFileSync(new URL('static/app.js', ASSET_DIR), 'utf8');

const sampleSchema = z.array(z.object({ author: z.string().min(1).max(100), text: z.string().min(1).max(4000) })).min(2);
/** A long release discussion: its first message starts the thread, the rest reply in it. */
export const SAMPLE_THREAD = sampleSchema.parse(JSON.parse(readFileSync(new URL('sample-thread.json', ASSET_DIR), 'utf8')));

const MAX_BODY = 64 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

async function jsonBody(req: IncomingMessage): Promise<unknown> {
  // Only JSON: a form on another site cannot send it without a CORS preflight, which this server never grants.
  if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) throw new HttpError(415, 'send application/json');
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new HttpError(413, 'request too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
  } catch {
    throw new HttpError(400, 'invalid JSON');
  }
}

function send(res: ServerResponse, status: number, body: string, type: string): void {
  res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
  res.end(body);
}

const json = (res: ServerResponse, status: number, body: unknown) => send(res, status, JSON.stringify(body), 'application/json; charset=utf-8');

const postSchema = z.object({ text: z.string().max(4000), threadId: z.string().max(100).optional(), clientId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/).optional() });
const voteSchema = z.object({ requestId: z.string().min(1).max(200), vote: feedbackVoteSchema });
const settingsSchema = z.object({ changes: z.record(z.string(), z.unknown()).default({}), reset: z.boolean().default(false) });

/** The playground's HTTP side: the page, its script, a small JSON API and one event stream per channel. */
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?$/i;

export interface PlaygroundServerDeps {
  service: PlaygroundService;
  store: PlaygroundStore;
  hub: EventHub;
  feedback: FeedbackStore;
  metrics: PlatformMetrics;
  log: Logger;
  randomTestModel: boolean;
  loopbackOnly: boolean;
}

export function createPlaygroundServer(deps: PlaygroundServerDeps): Server {
  const { service, store, hub, log } = deps;

  const loadSample = async (channelId: string): Promise<PlaygroundMessage[]> => {
    const start = Date.now() - SAMPLE_THREAD.length * 60_000;
    const [first, ...rest] = SAMPLE_THREAD;
    const parent: PlaygroundMessage = { id: newMessageId(start), channelId, author: first!.author, text: first!.text, isBot: false, at: start };
    const loaded = [parent, ...rest.map((m, i) => ({ id: newMessageId(start + (i + 1) * 60_000), channelId, threadId: parent.id, author: m.author, text: m.text, isBot: false, at: start + (i + 1) * 60_000 }))];
    for (const m of loaded) {
      await store.add(m);
      hub.publish(m);
    }
    return loaded;
  };

  const route = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    // Bound to loopback, only loopback names may reach it: a web page whose name was rebound to
    // 127.0.0.1 cannot use the playground from the user's browser.
    if (deps.loopbackOnly && !LOOPBACK_HOST.test(req.headers.host ?? '')) throw new HttpError(421, 'use http://127.0.0.1 or http://localhost');
    const url = new URL(req.url ?? '/', 'http://playground');
    const path = url.pathname;
    if (req.method === 'GET' && path === '/') {
      res.writeHead(302, { location: '/c/general' }).end();
      return;
    }
    if (req.method === 'GET' && path === '/static/app.js') return send(res, 200, APP_JS, 'text/javascript; charset=utf-8');
    if (req.method === 'GET' && path === '/healthz') return json(res, 200, { ok: true });
    if (req.method === 'POST' && path === '/api/channels') {
      const { name } = z.object({ name: z.string() }).parse(await jsonBody(req));
      return json(res, 200, { channelId: await store.addChannel(name) });
    }
    if (req.method === 'POST' && path === '/api/feedback') {
      const body = voteSchema.safeParse(await jsonBody(req));
      if (!body.success) throw new HttpError(400, 'expected {requestId, vote: "up" or "down"}');
      try {
        return json(res, 200, await castVote(deps, 'playground', body.data.requestId, PLAYGROUND_USER.id, body.data.vote));
      } catch (err) {
        if (!isCodedError(err)) throw err;
        log.warn({ requestId: body.data.requestId, code: err.code }, 'feedback vote not counted');
        return json(res, 503, { error: err.userMessage, code: err.code });
      }
    }
    const page = /^\/c\/([^/]+)$/.exec(path);
    const api = /^\/api\/c\/([^/]+)\/(messages|sample|settings|events)$/.exec(path);
    const channelId = decodeURIComponent((page ?? api)?.[1] ?? '');
    if (!page && !api) throw new HttpError(404, 'not found');
    if (!(await store.hasChannel(channelId))) throw new HttpError(404, 'no such channel');
    if (page && req.method === 'GET') {
      const [channels, messages, settings] = await Promise.all([store.channels(), store.messages(channelId), service.settingsOf(channelId)]);
      return send(res, 200, renderPage({ channelId, channels, messages, effective: settings.effective, summary: settings.summary, randomTestModel: deps.randomTestModel }), 'text/html; charset=utf-8');
    }
    const action = `${req.method} ${api![2]}`;
    switch (action) {
      case 'GET events':
        return hub.open(channelId, res);
      case 'GET messages':
        return json(res, 200, { messages: await store.messages(channelId) });
      case 'POST messages': {
        const body = postSchema.safeParse(await jsonBody(req));
        if (!body.success) throw new HttpError(400, 'expected {text, threadId?, clientId?}');
        return json(res, 200, await service.post(channelId, body.data));
      }
      case 'POST sample':
        return json(res, 200, { loaded: (await loadSample(channelId)).length });
      case 'GET settings':
        return json(res, 200, await service.settingsOf(channelId));
      case 'PUT settings': {
        const body = settingsSchema.safeParse(await jsonBody(req));
        if (!body.success) throw new HttpError(400, 'expected {changes, reset?}');
        return json(res, 200, await service.saveSettings(channelId, body.data.changes, body.data.reset));
      }
      default:
        throw new HttpError(405, 'method not allowed');
    }
  };

  return createServer((req, res) => {
    route(req, res).catch((err: unknown) => {
      if (res.headersSent) return void res.end();
      if (err instanceof HttpError) return json(res, err.status, { error: err.message });
      if (isCodedError(err)) return json(res, 400, { error: err.userMessage, code: err.code });
      log.error({ err: (err as Error).message, path: req.url?.split('?')[0] }, 'playground request failed');
      json(res, 500, { error: 'Something went wrong; see the bot log.' });
    });
  });
}
