import { z } from 'zod';
import { generationSettingsSchema } from './generation.js';
import { taskSchema, type Task } from './tasks.js';

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

const slackTs = z.string().regex(/^\d+\.\d+$/);

export const slackTargetSchema = z.object({
  platform: z.literal('slack'),
  teamId: z.string().min(1),
  channelId: z.string().min(1),
  /** The thread the reply belongs in; absent for a channel-level request (a window of the channel, or text typed into a command). */
  threadTs: slackTs.optional(),
  userId: z.string().min(1),
  /** Only the requester sees the reply (an ephemeral message); nothing is streamed. */
  private: z.boolean().optional(),
});
export type SlackTarget = z.infer<typeof slackTargetSchema>;

const snowflake = z.string().regex(/^\d{1,20}$/);

/** A Discord interaction that was deferred: its reply is edited through the interaction's webhook. */
export const discordInteractionSchema = z.object({
  applicationId: snowflake,
  /** The interaction token: valid for edits and follow-ups for 15 minutes after `createdAt`. */
  token: z.string().min(1).max(500),
  /** When Discord created the interaction (ms since the epoch). */
  createdAt: z.number().int().min(0),
});

export const discordTargetSchema = z.object({
  platform: z.literal('discord'),
  /** Absent in a direct message or a private channel (a user-installed app used outside a server). */
  guildId: snowflake.optional(),
  /** The channel or thread channel the reply belongs in. */
  channelId: snowflake,
  userId: snowflake,
  /** The message the request came from (a mention, or a context menu's target); replies reference it. */
  messageId: snowflake.optional(),
  interaction: discordInteractionSchema.optional(),
  /** The bot's placeholder message for a mention: streamed text and then the answer replace it. */
  placeholderId: snowflake.optional(),
  /** An ephemeral interaction reply: only the requester sees it. */
  private: z.boolean().optional(),
  /**
   * The app is only user-installed where the request came from, so Parley's bot is not there:
   * the answer goes through the interaction alone, in at most 5 follow-ups, never the channel.
   */
  userInstallOnly: z.boolean().optional(),
});
export type DiscordTarget = z.infer<typeof discordTargetSchema>;

export const demoTargetSchema = z.object({
  platform: z.literal('demo'),
  runId: z.string().min(1),
});

const playgroundId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);

/** The built-in web playground: a channel, and the thread the reply belongs in (absent: the channel itself). */
export const playgroundTargetSchema = z.object({
  platform: z.literal('playground'),
  channelId: playgroundId,
  threadId: playgroundId.optional(),
  userId: z.string().min(1).max(100),
  /** Asked for with `private`: the page marks the answer as seen by the requester alone, as Slack and Discord show it. */
  private: z.boolean().optional(),
});
export type PlaygroundTarget = z.infer<typeof playgroundTargetSchema>;

export const replyTargetSchema = z.discriminatedUnion('platform', [slackTargetSchema, discordTargetSchema, demoTargetSchema, playgroundTargetSchema]);
export type ReplyTarget = z.infer<typeof replyTargetSchema>;

const messagesSchema = z
  .array(conversationMessageSchema)
  .max(LIMITS.messagesPerJob)
  .refine((ms) => totalChars(ms) <= LIMITS.charsPerJob, `message text may total at most ${LIMITS.charsPerJob} characters`);

const requestFields = {
  version: z.literal(1),
  requestId: z.string().min(1),
  target: replyTargetSchema,
  messages: messagesSchema,
  generation: generationSettingsSchema,
};

export const summarizeJobSchema = z.object({ ...requestFields, task: z.literal('summarize') });
export type SummarizeJob = z.infer<typeof summarizeJobSchema>;

export const translateJobSchema = z.object({
  ...requestFields,
  task: z.literal('translate'),
  /** The target language as the user wrote it ("de", "German", "Deutsch"). */
  language: z.string().min(1).max(60),
});

export type TranslateJob = z.infer<typeof translateJobSchema>;

export const entitiesJobSchema = z.object({ ...requestFields, task: z.literal('entities') });
export type EntitiesJob = z.infer<typeof entitiesJobSchema>;

/** The author of Parley's own turns in a chat job's messages (the other side of the chat). */
export const PARLEY_AUTHOR = 'Parley';

export const askJobSchema = z.object({
  ...requestFields,
  task: z.literal('ask'),
  question: z.string().min(1).max(2000),
  /**
   * A chat with Parley (Slack's assistant, a DM): `messages` are the chat's earlier turns, Parley's
   * under `PARLEY_AUTHOR`, and the question is answered as the next turn, not from a thread alone.
   */
  chat: z.literal(true).optional(),
});
export type AskJob = z.infer<typeof askJobSchema>;

/** One job schema per task: the compiler checks that every task of TASKS has one, under its own name. */
const TASK_JOBS = {
  summarize: summarizeJobSchema,
  translate: translateJobSchema,
  entities: entitiesJobSchema,
  ask: askJobSchema,
} as const satisfies { readonly [T in Task]: z.ZodType<{ task: T }> };

/** What an adapter puts on the inference queue. */
export const requestJobSchema = z.discriminatedUnion('task', [TASK_JOBS.summarize, TASK_JOBS.translate, TASK_JOBS.entities, TASK_JOBS.ask]);
export type RequestJob = z.infer<typeof requestJobSchema>;

/** The map step of a long summary: one chunk of the thread, run by whichever worker is free. */
export const summarizeChunkJobSchema = z.object({
  version: z.literal(1),
  task: z.literal('summarize-chunk'),
  requestId: z.string().min(1),
  chunk: z.number().int().min(0),
  /** The citation number of the chunk's first message, so refs are unique across chunks. */
  firstRef: z.number().int().min(1),
  /**
   * Where the request's answer goes and how many chunks there are, so the chunk can say which
   * part it is ("part 3 of 7"). Not `target`: a chunk never replies.
   */
  statusTarget: replyTargetSchema.optional(),
  of: z.number().int().min(1).optional(),
  messages: messagesSchema,
  generation: generationSettingsSchema,
});
export type SummarizeChunkJob = z.infer<typeof summarizeChunkJobSchema>;

/** The reduce step: runs once every chunk is summarized, and replies. */
export const summarizeReduceJobSchema = z.object({
  version: z.literal(1),
  task: z.literal('summarize-reduce'),
  requestId: z.string().min(1),
  target: replyTargetSchema,
  generation: generationSettingsSchema,
  chunks: z.number().int().min(1),
  messagesInThread: z.number().int().min(0),
});
export type SummarizeReduceJob = z.infer<typeof summarizeReduceJobSchema>;

export const inferenceJobSchema = z.discriminatedUnion('task', [
  ...requestJobSchema.options,
  summarizeChunkJobSchema,
  summarizeReduceJobSchema,
]);
export type InferenceJob = z.infer<typeof inferenceJobSchema>;

const citedPointSchema = z.object({ text: z.string(), messageIds: z.array(z.string()), owner: z.string().optional() });

/** Task-specific results, so each adapter can format them its own way. */
export const replyDetailsSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('summary'),
    sections: z.array(z.object({ title: z.string(), points: z.array(citedPointSchema) })),
  }),
  z.object({ kind: z.literal('translation'), language: z.object({ code: z.string(), name: z.string() }) }),
  z.object({
    kind: z.literal('entities'),
    /** What found the people, organisations and places; dates and amounts always come from patterns too. */
    method: z.enum(['token-classifier', 'generative']).optional(),
    groups: z.array(
      z.object({
        type: z.string(),
        items: z.array(z.object({ text: z.string(), count: z.number().int().min(1), messageIds: z.array(z.string()) })),
      }),
    ),
  }),
  /** `chat`: the answer is a turn of a chat, and coverage counts the chat's earlier turns. */
  z.object({ kind: z.literal('answer'), answered: z.boolean(), chat: z.literal(true).optional() }),
]);
export type ReplyDetails = z.infer<typeof replyDetailsSchema>;

export const replySuccessSchema = z.object({
  ok: z.literal(true),
  text: z.string().max(LIMITS.replyChars),
  task: taskSchema,
  model: z.object({ name: z.string(), isRandomTestModel: z.boolean() }),
  /** Messages the model saw; fewer than `messagesInThread` when the thread exceeded its window. */
  messagesCovered: z.number().int().min(0),
  messagesInThread: z.number().int().min(0),
  generation: generationSettingsSchema,
  stats: z.object({ promptTokens: z.number().int(), newTokens: z.number().int(), generationMs: z.number() }),
  details: replyDetailsSchema.optional(),
  /** Template id and version, and example ids used, so a reply can be reproduced. */
  prompt: z.object({ template: z.string(), examples: z.array(z.string()) }).optional(),
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

/** A stage of a request in a worker: reading its messages, one part of a long summary, or combining the parts. */
export const progressStageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reading'), messages: z.number().int().min(0) }),
  z.object({ kind: z.literal('part'), part: z.number().int().min(1), of: z.number().int().min(1) }),
  z.object({ kind: z.literal('combining'), parts: z.number().int().min(1) }),
]);
export type ProgressStage = z.infer<typeof progressStageSchema>;

/**
 * What a worker publishes as job progress while it generates: the text so far, for adapters
 * that stream it into a placeholder. Lossy by design; the reply job carries the final text.
 */
export const progressSchema = z.object({
  requestId: z.string().min(1),
  target: replyTargetSchema,
  /** The text so far; empty while only the stage is known. */
  text: z.string().max(LIMITS.replyChars),
  /** What the worker is doing before any text exists, for platforms that show a status. */
  stage: progressStageSchema.optional(),
});
export type Progress = z.infer<typeof progressSchema>;
export type ReplyOutcome = ReplyJob['outcome'];

/** A vote on an answer: 👍 or 👎. */
export const feedbackVoteSchema = z.enum(['up', 'down']);
export type FeedbackVote = z.infer<typeof feedbackVoteSchema>;

/**
 * The votes on answers of one platform, workspace, channel, task, model and prompt template
 * version, as the bot keeps them in Redis and exports them (App Home, `/feedback` on the ops
 * port) for the evaluation harness to read beside its offline scores.
 */
export const feedbackTallySchema = z.object({
  platform: z.string(),
  workspace: z.string(),
  channel: z.string(),
  task: z.string(),
  model: z.string(),
  template: z.string(),
  up: z.number().int().min(0),
  down: z.number().int().min(0),
});
export type FeedbackTally = z.infer<typeof feedbackTallySchema>;
