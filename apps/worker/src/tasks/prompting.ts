import type { Engine } from '@parley/engine';
import { familyFor, fenceAsData, type ChatTemplateSpec, type PromptFamily } from '@parley/prompts';

/**
 * Which prompt family a model reads: T5 task prefixes, its own chat template, bare text for
 * Marian, or the plain text BART-style summarizers take. A base decoder-only model without a chat
 * template gets the plain-instruction (T5-style) prompts.
 */
export function familyOf(engine: Engine): PromptFamily {
  try {
    return familyFor({ modelType: engine.info.modelType, hasChatTemplate: engine.info.chat !== null, isTranslationModel: engine.info.modelType === 'marian' });
  } catch {
    return 't5';
  }
}

export function templateOptions(engine: Engine): { family: PromptFamily; chat?: ChatTemplateSpec; fence: (text: string) => string } {
  const chat = engine.info.chat;
  return {
    family: familyOf(engine),
    ...(chat && { chat: { source: chat.template, ...(chat.bosToken && { bosToken: chat.bosToken }), ...(chat.eosToken && { eosToken: chat.eosToken }) } }),
    fence: (text) => fenceAsData(text, 'thread').text,
  };
}
