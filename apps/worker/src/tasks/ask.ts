import type { AskJob, ReplyOutcome } from '@parley/jobs';
import { ASK_BANK, defangMentions, fitRecentMessages, NOT_IN_THREAD, renderAsk, renderConversation } from '@parley/prompts';
import { chooseShots } from './shots.js';
import { runGeneration } from './generation-run.js';
import { successOutcome } from './success-outcome.js';
import { templateOptions } from './prompting.js';
import { engineFor, promptBudget, type TaskContext } from './task-context.js';

export const NOT_IN_THREAD_REPLY = "The thread doesn't say.";

/**
 * Answer a question from the thread. The most recent messages that fit the window are the
 * context; when the model says the thread holds no answer, the user is told so plainly.
 */
export async function ask(ctx: TaskContext, data: AskJob): Promise<ReplyOutcome> {
  const { model, engine } = engineFor(ctx, 'ask');
  const options = templateOptions(engine);
  const thread = data.messages.filter((m) => !m.isBot);
  const budget = promptBudget(engine, data.generation.maxNewTokens);
  const examples = await chooseShots(engine, ASK_BANK, data.generation.shots, budget, (ex) => renderAsk({ conversation: '', question: data.question }, { ...options, examples: ex }));
  const render = (messages: typeof thread) => renderAsk({ conversation: renderConversation(messages).text, question: data.question }, { ...options, examples });
  const fitted = await fitRecentMessages(thread, (ms) => render([...ms]).text, (text) => engine.countTokens(text), budget);
  const prompt = render(fitted.messages);
  const run = await runGeneration(engine, prompt.text, data.generation, prompt.stop, ctx.progress);
  const answer = run.text.trim();
  const answered = answer !== '' && !answer.includes(NOT_IN_THREAD);
  return successOutcome({
    task: 'ask',
    text: answered ? defangMentions(answer) : NOT_IN_THREAD_REPLY,
    details: { kind: 'answer', answered },
    model,
    engine,
    covered: fitted.messages.length,
    inThread: thread.length,
    generation: data.generation,
    run,
    prompt,
  });
}
