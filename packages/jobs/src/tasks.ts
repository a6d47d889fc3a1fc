import { z } from 'zod';

/** The tasks a user can ask for, each served by the worker: the one list every package reads. */
export const TASKS = ['summarize', 'translate', 'entities', 'ask'] as const;
export type Task = (typeof TASKS)[number];
export const taskSchema = z.enum(TASKS);

/**
 * What a user asks for, before settings are layered: a translation may not name its language
 * yet (the channel's `target_language` or a default fills it in), a question always has its text
 * (and `chat` when it is the next turn of a chat with Parley rather than a question about a thread).
 */
export type TaskRequest = { task: 'summarize' } | { task: 'entities' } | { task: 'translate'; language?: string } | { task: 'ask'; question: string; chat?: true };
