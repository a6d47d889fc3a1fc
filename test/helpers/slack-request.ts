import { createHmac } from 'node:crypto';

export interface SentRequest {
  status: number;
  body: string;
  elapsedMs: number;
}

/** Posts a slash command to the bot the way Slack does: form-encoded, with a v0 HMAC signature. */
export async function postSlashCommand(
  url: string,
  fields: Record<string, string>,
  signingSecret: string,
): Promise<SentRequest> {
  const raw = new URLSearchParams(fields).toString();
  const ts = Math.floor(Date.now() / 1000).toString();
  const signature = 'v0=' + createHmac('sha256', signingSecret).update(`v0:${ts}:${raw}`).digest('hex');
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signature,
    },
    body: raw,
  });
  const body = await res.text();
  return { status: res.status, body, elapsedMs: performance.now() - started };
}

/** Posts an Events API callback the way Slack does: JSON, signed; `retryNum` marks a redelivery. */
export async function postEvent(url: string, body: object, signingSecret: string, retryNum?: number): Promise<SentRequest> {
  const raw = JSON.stringify(body);
  const ts = Math.floor(Date.now() / 1000).toString();
  const signature = 'v0=' + createHmac('sha256', signingSecret).update(`v0:${ts}:${raw}`).digest('hex');
  const started = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-slack-request-timestamp': ts,
      'x-slack-signature': signature,
      ...(retryNum !== undefined && { 'x-slack-retry-num': String(retryNum), 'x-slack-retry-reason': 'http_timeout' }),
    },
    body: raw,
  });
  return { status: res.status, body: await res.text(), elapsedMs: performance.now() - started };
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
