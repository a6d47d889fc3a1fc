/** A Slack thread, identified by its channel and the ts of its parent message. */
export interface ThreadRef {
  channelId: string;
  threadTs: string;
}

const ARCHIVES = /\/archives\/([CGD][A-Z0-9]+)\/p(\d{10})(\d{6})/;

/**
 * Reads a message link (from "Copy link" on any message of a thread). Slack does not run slash
 * commands inside threads and does not say which thread a command came from, so the link is how
 * a user points `/summarize` at one. A reply's link carries its parent in `thread_ts`.
 */
export function parseThreadLink(text: string): ThreadRef | null {
  const token = text.trim().replace(/^<|>$/g, '').split('|')[0] ?? '';
  const match = ARCHIVES.exec(token);
  if (!match) return null;
  const [, channelId, seconds, micros] = match as unknown as [string, string, string, string];
  let threadTs = `${seconds}.${micros}`;
  try {
    const parent = new URL(token).searchParams.get('thread_ts');
    if (parent && /^\d+\.\d+$/.test(parent)) threadTs = parent;
  } catch {
    // Not a full URL; the path alone is enough.
  }
  return { channelId, threadTs };
}
