import { createHash } from 'node:crypto';

/**
 * A job id derived from what identifies a request (e.g. Slack's team and trigger id), so a
 * redelivered request maps to the same id and BullMQ ignores the second add. BullMQ ids may not
 * contain ':' or be all digits; a hex digest behind a word prefix is neither.
 */
export function requestJobId(kind: string, ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
  return `${kind}-${digest}`;
}

export function replyJobId(inferenceJobId: string): string {
  return `reply-${inferenceJobId}`;
}
