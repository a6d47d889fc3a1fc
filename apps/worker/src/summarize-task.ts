import type { Engine } from '@parley/engine';
import type { ReplyOutcome, SummarizeJob } from '@parley/jobs';
import { fitRecentMessages, renderSummarizePrompt } from '@parley/prompts';
import { basename } from 'node:path';

/**
 * Turns a validated summarize job into the reply outcome, using the shared engine. A thread
 * longer than the model's window is summarized from its most recent messages, and the reply says
 * how many it covered.
 */
export async function runSummarize(engine: Engine, job: SummarizeJob): Promise<ReplyOutcome> {
  const thread = job.messages.filter((m) => !m.isBot);
  const fitted = await fitRecentMessages(
    thread,
    (messages) => renderSummarizePrompt(messages).text,
    (text) => engine.countTokens(text),
    engine.info.maxInputTokens,
  );
  const prompt = renderSummarizePrompt(fitted.messages);
  const started = performance.now();
  const result = await engine.generate(prompt.text, { maxNewTokens: job.generation.maxNewTokens });
  return {
    ok: true,
    task: 'summarize',
    text: result.text,
    model: { name: basename(engine.info.modelDir), isRandomTestModel: engine.info.isRandomTestModel },
    messagesCovered: fitted.messages.length,
    messagesInThread: thread.length,
    generation: job.generation,
    stats: {
      promptTokens: result.promptTokens,
      newTokens: result.tokenIds.length,
      generationMs: Math.round(performance.now() - started),
    },
  };
}
