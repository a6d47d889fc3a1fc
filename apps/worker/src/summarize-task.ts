import type { Engine } from '@parley/engine';
import type { ReplyOutcome, SummarizeJob } from '@parley/jobs';
import { renderSummarizePrompt } from '@parley/prompts';
import { basename } from 'node:path';

/** Turns a validated summarize job into the reply outcome, using the shared engine. */
export async function runSummarize(engine: Engine, job: SummarizeJob): Promise<ReplyOutcome> {
  const messages = job.messages.filter((m) => !m.isBot);
  const prompt = renderSummarizePrompt(messages);
  const started = performance.now();
  const result = await engine.generate(prompt.text, { maxNewTokens: job.generation.maxNewTokens });
  return {
    ok: true,
    task: 'summarize',
    text: result.text,
    model: { name: basename(engine.info.modelDir), isRandomTestModel: engine.info.isRandomTestModel },
    messagesCovered: messages.length,
    generation: job.generation,
    stats: {
      promptTokens: result.promptTokens,
      newTokens: result.tokenIds.length,
      generationMs: Math.round(performance.now() - started),
    },
  };
}
