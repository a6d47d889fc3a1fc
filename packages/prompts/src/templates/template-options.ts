import type { ChatTemplateSpec } from '../chat-template.js';
import type { Example } from '../examples/bank.js';
import type { PromptFamily } from '../prompt-family.js';
import { TemplateError } from '../template-error.js';

export interface TemplateOptions<I> {
  family: PromptFamily;
  /** Shots, in order; usually from `selectShots`. Families that take no shots ignore them. */
  examples?: readonly Example<I>[];
  /** Required for the `chat` family. */
  chat?: ChatTemplateSpec;
  /**
   * Wraps a shot's conversation the way the live conversation was fenced, so shots look like the
   * real input. Shots are stored unfenced; without this they are used as stored.
   */
  fence?: (conversation: string) => string;
}

export const fenceFor = (options: { fence?: (conversation: string) => string }) => options.fence ?? ((conversation: string) => conversation);

export function requireChat(task: string, chat: ChatTemplateSpec | undefined): ChatTemplateSpec {
  if (chat === undefined) {
    throw new TemplateError(
      'missing-chat-template',
      `A ${task} prompt for a chat model needs the model's chat template.`,
      'The configured chat model has no chat template, so no prompt could be built for it.',
    );
  }
  return chat;
}

export function unsupportedFamily(task: string, family: PromptFamily): TemplateError {
  return new TemplateError(
    'unsupported-family',
    `No ${task} template for the ${family} model family.`,
    `The model configured for ${task} cannot do that task.`,
  );
}

export const templateId = (task: string, family: PromptFamily, version: number) => `${task}/${family}@${version}`;
