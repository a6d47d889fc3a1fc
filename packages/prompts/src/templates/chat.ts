import { fitRecentMessages, type CountTokens } from '../budget.js';
import { renderChat, type ChatTurn } from '../chat-template.js';
import type { ThreadMessage } from '../conversation.js';
import { fenceAsData, neutralizeDelimiters } from '../fence.js';
import { defangMentions } from '../output-safety.js';
import type { RenderedPrompt } from '../rendered-prompt.js';
import { requireChat, templateId, unsupportedFamily, type TemplateOptions } from './template-options.js';

export const CHAT_VERSION = 1;

export interface ChatInput {
  /** The chat's earlier turns, oldest first: the assistant's (author `assistant`) and the users'. */
  turns: readonly ThreadMessage[];
  /** The new message, answered as the next turn. */
  question: string;
  /** The assistant's name, and the author of its own turns. */
  assistant: string;
}

export type ChatOptions = Pick<TemplateOptions<unknown>, 'family' | 'chat'>;

export const chatSystem = (assistant: string) =>
  [
    `You are ${assistant}, a helpful assistant in a team chat.`,
    "Reply to the user's latest message directly and briefly, using the earlier messages of the chat where they help.",
    'If you do not know something, say so; do not invent facts.',
  ].join('\n');

const fold = (s: string) => s.replace(/\s+/g, ' ').trim();
const isAssistant = (turn: ThreadMessage, assistant: string) => fold(turn.author).toLowerCase() === fold(assistant).toLowerCase();

/** Consecutive turns of one side joined: many chat templates insist that user and assistant alternate. */
function alternating(turns: readonly ChatTurn[]): ChatTurn[] {
  const out: ChatTurn[] = [];
  for (const t of turns) {
    const last = out.at(-1);
    if (last?.role === t.role) last.content = `${last.content}\n\n${t.content}`;
    else out.push({ ...t });
  }
  return out;
}

/**
 * The transcript for a seq2seq model, one line per turn. Folding whitespace keeps each line
 * starting with its speaker, so a turn cannot forge a line of the other side; the earlier turns
 * are fenced as data like a thread is.
 */
function transcript(input: ChatInput): string {
  const speaker = (t: ThreadMessage) => (isAssistant(t, input.assistant) ? input.assistant : 'User');
  const lines = input.turns.map((t) => `${speaker(t)}: ${fold(t.text)}`).join('\n');
  const earlier = lines === '' ? '' : `${fenceAsData(lines, 'chat').text}\n`;
  return (
    `Continue the conversation: write ${input.assistant}'s next reply to the user, briefly.\n` +
    `${earlier}User: ${neutralizeDelimiters(fold(input.question))}\n${input.assistant}:`
  );
}

/**
 * A chat's next turn as a prompt: for chat models the earlier turns are real user and assistant
 * turns under a short system prompt, then the question as the last user turn; for T5-style models
 * a "User: … / Parley: …" transcript to continue.
 */
export function renderChatTurn(input: ChatInput, options: ChatOptions): RenderedPrompt {
  const template = templateId('chat', options.family, CHAT_VERSION);
  switch (options.family) {
    case 't5':
      return { text: transcript(input), template, examples: [], stop: ['\nUser:'] };
    case 'chat': {
      const turns = input.turns.map((t): ChatTurn => ({ role: isAssistant(t, input.assistant) ? 'assistant' : 'user', content: t.text }));
      const messages: ChatTurn[] = [{ role: 'system', content: chatSystem(input.assistant) }, ...alternating([...turns, { role: 'user', content: input.question }])];
      return { text: renderChat(requireChat('chat', options.chat), messages), template, examples: [] };
    }
    case 'marian':
    case 'seq2seq-plain':
      throw unsupportedFamily('chat', options.family);
  }
}

export interface FittedChat {
  prompt: RenderedPrompt;
  /** The earlier turns the prompt holds, oldest first. */
  turns: ThreadMessage[];
  /** How many older turns were left out to fit the window. */
  dropped: number;
}

/**
 * The chat's next turn within `budget` tokens: the most recent earlier turns that fit, the oldest
 * dropped first; none at all when not even the latest fits beside the question.
 */
export async function fitChatTurn(input: ChatInput, options: ChatOptions, countTokens: CountTokens, budget: number): Promise<FittedChat> {
  const render = (turns: readonly ThreadMessage[]) => renderChatTurn({ ...input, turns }, options);
  const fitted = await fitRecentMessages(input.turns, (turns) => render(turns).text, countTokens, budget);
  let kept = fitted.messages;
  if (kept.length === 1 && (await countTokens(render(kept).text)) > budget) kept = [];
  return { prompt: render(kept), turns: kept, dropped: input.turns.length - kept.length };
}

/**
 * The model's reply as the chat shows it: trimmed, without the speaker label a transcript model
 * may repeat, and unable to ping anyone.
 */
export function chatReplyText(raw: string, assistant: string): string {
  const label = new RegExp(`^\\s*${assistant.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:\\s*`, 'i');
  return defangMentions(raw.replace(label, '').trim());
}
