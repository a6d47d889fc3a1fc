import type { Engine } from '@parley/engine';
import type { SummarizeJob } from '@parley/jobs';
import { chunkMessages, reduceSummaries, type Example, type SummarizeExampleInput, type ThreadMessage } from '@parley/prompts';

type Messages = SummarizeJob['messages'];

/** How a summary prompt is written for the model that serves it. */
export interface SummaryPrompt {
  text: string;
  template: string;
  /** `m3` → message id, for the citations in the model's output. */
  refs?: Map<string, string>;
  /** Ids of the worked examples in the prompt. */
  examples?: string[];
}

export interface SummaryPrompts {
  /** `firstRef` numbers this chunk's messages after the earlier chunks', so citations stay distinct. */
  thread(engine: Engine, messages: readonly ThreadMessage[], firstRef?: number, examples?: readonly Example<SummarizeExampleInput>[]): SummaryPrompt;
  reduce(engine: Engine, summaries: readonly string[]): SummaryPrompt;
}

const counter = (engine: Engine) => (texts: readonly string[]) => engine.countTokensMany(texts);

/** The thread cut on message boundaries into chunks whose prompts each fit `budget` tokens. */
export async function chunkThread(
  engine: Engine,
  messages: Messages,
  budget: number,
  prompts: SummaryPrompts,
  examples: readonly Example<SummarizeExampleInput>[] = [],
): Promise<Messages[]> {
  const chunks = await chunkMessages(messages, { budget, count: counter(engine), render: (ms) => prompts.thread(engine, ms, 1, examples).text });
  return chunks.map((c) => c.messages.map((m) => ({ id: m.id, author: m.author, text: m.text, isBot: m.isBot })));
}

/**
 * Summaries of summaries until one remains: each level groups consecutive summaries whose reduce
 * prompt fits and summarizes each group, at least halving the count (see `reduceSummaries`).
 */
export async function reduceToOne(
  engine: Engine,
  summaries: readonly string[],
  budget: number,
  prompts: SummaryPrompts,
  summarizeText: (prompt: string) => Promise<string>,
): Promise<{ text: string; levels: number }> {
  const render = (texts: readonly string[]) => prompts.reduce(engine, texts).text;
  const result = await reduceSummaries(summaries, {
    budget,
    count: counter(engine),
    render,
    summarize: async (groups) => {
      const out: string[] = [];
      for (const group of groups) out.push(await summarizeText(render(group)));
      return out;
    },
  });
  return { text: result.text, levels: result.levels };
}
