import { z } from 'zod';
import { RetrievalError } from './errors.js';

/** A chat message as the index takes it. `ts` and `threadTs` are the platform's own timestamps. */
export const indexedMessageSchema = z.object({
  id: z.string().min(1),
  channelId: z.string().min(1),
  threadTs: z.string().min(1).optional(),
  author: z.string(),
  text: z.string(),
  ts: z.string().min(1),
});

export type IndexedMessage = z.infer<typeof indexedMessageSchema>;

export function parseMessage(value: unknown): IndexedMessage {
  const parsed = indexedMessageSchema.safeParse(value);
  if (!parsed.success) {
    throw new RetrievalError('INVALID_INPUT', 'That message cannot be indexed.', `invalid message: ${parsed.error.message}`);
  }
  return parsed.data;
}
