import { z } from 'zod';

/** Limits that keep one job's payload bounded in Redis. */
export const LIMITS = {
  messagesPerJob: 5000,
  /** Slack's own limit for one message. */
  charsPerMessage: 40_000,
  /** All message text of one job together. */
  charsPerJob: 1_000_000,
  replyChars: 40_000,
} as const;

export const conversationMessageSchema = z.object({
  id: z.string().min(1),
  author: z.string().max(200),
  text: z.string().max(LIMITS.charsPerMessage),
  isBot: z.boolean(),
});
export type ConversationMessage = z.infer<typeof conversationMessageSchema>;

function totalChars(messages: readonly { text: string }[]): number {
  return messages.reduce((sum, m) => sum + m.text.length, 0);
}

/** The most recent messages whose text fits in one job's payload limit. */
export function keepRecentWithinPayload<M extends { text: string }>(messages: readonly M[]): M[] {
  let chars = 0;
  let start = messages.length;
  while (start > 0 && chars + messages[start - 1]!.text.length <= LIMITS.charsPerJob) chars += messages[--start]!.text.length;
  return messages.slice(start);
}

export const slackTargetSchema = z.object({
  platform: z.literal('slack'),
  teamId: z.string().min(1),
  channelId: z.string().min(1),
  threadTs: z.string().regex(/^\d+\.\d+$/),
  userId: z.string().min(1),
});

export const demoTargetSchema = z.object({
  platform: z.literal('demo'),
  runId: z.string().min(1),
});

export const replyTargetSchema = z.discriminatedUnion('platform', [slackTargetSchema, demoTargetSchema]);
export type ReplyTarget = z.infer<typeof replyTargetSchema>;

export const generationSettingsSchema = z.object({
  maxNewTokens: z.number().int().min(1).max(4096),
});
export type GenerationSettings = z.infer<typeof generationSettingsSchema>;

export const summarizeJobSchema = z.object({
  version: z.literal(1),
  task: z.literal('summarize'),
  requestId: z.string().min(1),
  target: replyTargetSchema,
  messages: z
    .array(conversationMessageSchema)
    .max(LIMITS.messagesPerJob)
    .refine((ms) => totalChars(ms) <= LIMITS.charsPerJob, `message text may total at most ${LIMITS.charsPerJob} characters`),
  generation: generationSettingsSchema,
});
export type SummarizeJob = z.infer<typeof summarizeJobSchema>;

export const replySuccessSchema = z.object({
  ok: z.literal(true),
  text: z.string().max(LIMITS.replyChars),
  task: z.literal('summarize'),
  model: z.object({ name: z.string(), isRandomTestModel: z.boolean() }),
  /** Messages the model saw; fewer than `messagesInThread` when the thread exceeded its window. */
  messagesCovered: z.number().int().min(0),
  messagesInThread: z.number().int().min(0),
  generation: generationSettingsSchema,
  stats: z.object({ promptTokens: z.number().int(), newTokens: z.number().int(), generationMs: z.number() }),
});

export const replyFailureSchema = z.object({
  ok: z.literal(false),
  /** Stable code, for logs and for matching. */
  code: z.string(),
  /** Short, safe to show in the chat. */
  userMessage: z.string().max(500),
});

export const replyJobSchema = z.object({
  version: z.literal(1),
  requestId: z.string().min(1),
  target: replyTargetSchema,
  outcome: z.discriminatedUnion('ok', [replySuccessSchema, replyFailureSchema]),
});
export type ReplyJob = z.infer<typeof replyJobSchema>;
export type ReplyOutcome = ReplyJob['outcome'];
