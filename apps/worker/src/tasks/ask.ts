import { PARLEY_AUTHOR, type AskJob, type ConversationMessage, type ReplyOutcome } from '@parley/jobs';
import { ASK_BANK, chatReplyText, defangMentions, fitChatTurn, fitRecentMessages, NOT_IN_THREAD, renderAsk, renderConversation } from '@parley/prompts';
import { chooseShots } from './shots.js';
import { runGeneration } from './generation-run.js';
import { successOutcome } from './success-outcome.js';
import { templateOptions } from './prompting.js';
import { engineFor, promptBudget, type TaskContext } from './task-context.js';

export const NOT_IN_THREAD_REPLY = "The thread doesn't say.";
export const NO_CHAT_REPLY = "I don't have an answer to that.";

/**
 * Answer a question from the thread. The most recent messages that fit the window are the
 * context; when the model says the thread holds no answer, the user is told so plainly.
 */
export async function ask(ctx: TaskContext, data: AskJob): Promise<ReplyOutcome> {
  if (data.chat) return chat(ctx, data);
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

/**
 * The earlier turns of a chat. A first message has none, but the bot sends the message itself so
 * the job has something to read; as the question it is the last turn already, so it is dropped.
 */
export function earlierTurns(messages: readonly ConversationMessage[], question: string): ConversationMessage[] {
  const turns = messages.filter((m) => !m.isBot && m.text.trim() !== '');
  const last = turns.at(-1);
  return last && last.author !== PARLEY_AUTHOR && last.text.trim() === question.trim() ? turns.slice(0, -1) : turns;
}

/** The next turn of a chat with Parley: the latest earlier turns that fit the window, then the question. */
async function chat(ctx: TaskContext, data: AskJob): Promise<ReplyOutcome> {
  const { model, engine } = engineFor(ctx, 'ask');
  const turns = earlierTurns(data.messages, data.question);
  const budget = promptBudget(engine, data.generation.maxNewTokens);
  const fitted = await fitChatTurn({ turns, question: data.question, assistant: PARLEY_AUTHOR }, templateOptions(engine), (text) => engine.countTokens(text), budget);
  const run = await runGeneration(engine, fitted.prompt.text, data.generation, fitted.prompt.stop, ctx.progress);
  const answer = chatReplyText(run.text, PARLEY_AUTHOR);
  return successOutcome({
    task: 'ask',
    text: answer === '' ? NO_CHAT_REPLY : answer,
    details: { kind: 'answer', answered: answer !== '', chat: true },
    model,
    engine,
    covered: fitted.turns.length,
    inThread: turns.length,
    generation: data.generation,
    run,
    prompt: fitted.prompt,
  });
}
