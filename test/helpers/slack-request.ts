import { createHmac } from 'node:crypto';

export interface SentRequest {
  status: number;
  body: string;
  elapsedMs: number;
}

/** Sends `raw` the way Slack does: with a v0 HMAC signature over the exact bytes sent. */
async function signedPost(url: string, raw: string, contentType: string, signingSecret: string, extra: Record<string, string> = {}): Promise<SentRequest> {
  const ts = Math.floor(Date.now() / 1000).toString();
  const signature = 'v0=' + createHmac('sha256', signingSecret).update(`v0:${ts}:${raw}`).digest('hex');
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': contentType, 'x-slack-request-timestamp': ts, 'x-slack-signature': signature, ...extra },
    body: raw,
  });
  return { status: res.status, body: await res.text(), elapsedMs: performance.now() - started };
}

/** A slash command or interactivity payload: form-encoded. */
export function postSlashCommand(url: string, fields: Record<string, string>, signingSecret: string): Promise<SentRequest> {
  return signedPost(url, new URLSearchParams(fields).toString(), 'application/x-www-form-urlencoded', signingSecret);
}

/** An Events API callback: JSON; `retryNum` marks a redelivery. */
export function postEvent(url: string, body: object, signingSecret: string, retryNum?: number, retryReason = 'http_timeout'): Promise<SentRequest> {
  const retry = retryNum === undefined ? {} : { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': retryReason };
  return signedPost(url, JSON.stringify(body), 'application/json', signingSecret, retry);
}

export async function waitFor<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
