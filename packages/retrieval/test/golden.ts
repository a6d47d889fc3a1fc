import { readFileSync } from 'node:fs';
import type { IndexedMessage } from '../src/index.js';

export interface GoldenQuestion {
  question: string;
  answerIds: string[];
}

const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./golden/${name}`, import.meta.url), 'utf8')) as T;

/** A fictional team's channels (releases, incidents, hiring, office), written for Parley. */
export const GOLDEN_MESSAGES = read<IndexedMessage[]>('messages.json');
/** Questions, each with the ids of the messages that answer it. */
export const GOLDEN_QUESTIONS = read<GoldenQuestion[]>('questions.json');
export const GOLDEN_CHANNELS = [...new Set(GOLDEN_MESSAGES.map((m) => m.channelId))];
