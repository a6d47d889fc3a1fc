import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface Credentials {
  user: string;
  password: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** Whether an `Authorization` header carries these Basic credentials; compared in constant time. */
export function basicAuthMatches(header: string | undefined, expected: Credentials): boolean {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(header?.trim() ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Both halves are always compared, so a wrong user takes as long as a wrong password.
  const userOk = timingSafeEqual(digest(decoded.slice(0, colon)), digest(expected.user));
  const passwordOk = timingSafeEqual(digest(decoded.slice(colon + 1)), digest(expected.password));
  return userOk && passwordOk;
}

/** True when the request carries the credentials; otherwise answers 401 with a Basic challenge for `realm`. */
export function requireBasicAuth(req: IncomingMessage, res: ServerResponse, expected: Credentials, realm: string): boolean {
  if (basicAuthMatches(req.headers.authorization, expected)) return true;
  res.writeHead(401, { 'www-authenticate': `Basic realm="${realm}", charset="UTF-8"`, 'content-type': 'text/plain' }).end('authentication required\n');
  return false;
}
