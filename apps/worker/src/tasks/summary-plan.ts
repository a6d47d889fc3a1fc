import type { Engine } from '@parley/engine';
import type { SummarizeJob } from '@parley/jobs';
import { chunkMessages, planReduce, type Message } from '@parley/prompts';

type Messages = SummarizeJob['messages'];

/** How a summary prompt is written for the model that serves it. */
export interface SummaryPrompt {
  text: string;
  template: string;
  /** `m3` → message id, for the citations in the model's output. */
  refs?: Map<string, string>;
}

export interface SummaryPrompts {
  /** `firstRef` numbers this chunk's messages after the earlier chunks', so citations stay distinct. */
  thread(engine: Engine, messages: readonly Message[], firstRef?: number): SummaryPrompt;
  reduce(engine: Engine, summaries: readonly string[]): SummaryPrompt;
}

const counter = (engine: Engine) => (texts: readonly string[]) => engine.countTokensMany(texts);

/** The thread cut on message boundaries into chunks whose prompts each fit `budget` tokens. */
export async function chunkThread(engine: Engine, messages: Messages, budget: number, prompts: SummaryPrompts): Promise<Messages[]> {
  const chunks = await chunkMessages(messages, { budget, count: counter(engine), render: (ms) => prompts.thread(engine, ms).text });
  return chunks.map((c) => c.messages.map((m) => ({ id: m.id, author: m.author, text: m.text, isBot: m.isBot })));
}

/**
 * Summaries of summaries until one reduce prompt fits: each level groups consecutive summaries
 * whose prompt fits and summarizes each group, so the count shrinks every level.
 */
export async function reduceToFit(
  engine: Engine,
  summaries: string[],
  budget: number,
  prompts: SummaryPrompts,
  summarizeText: (prompt: string) => Promise<string>,
): Promise<string[]> {
  const render = (texts: readonly string[]) => prompts.reduce(engine, texts).text;
  let level = summaries;
  for (let depth = 0; (await engine.countTokens(render(level))) > budget; depth++) {
    if (depth > 20) throw new Error('summaries did not shrink to fit the model window');
    const groups = await planReduce(level, { budget, count: counter(engine), render });
    const next: string[] = [];
    for (const group of groups) next.push(await summarizeText(render(group)));
    level = next;
  }
  return level;
}
