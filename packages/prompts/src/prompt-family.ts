import { TemplateError } from './template-error.js';

/**
 * How a model wants its prompt:
 * - `t5`: a task prefix in plain text ("summarize: …", "translate English to German: …");
 * - `chat`: messages rendered through the model's own chat template;
 * - `marian`: a dedicated translation model, fed just the text (plus a target token when multi-target);
 * - `seq2seq-plain`: summarizers such as BART, DistilBART and Pegasus, fed just the text.
 */
export type PromptFamily = 't5' | 'chat' | 'marian' | 'seq2seq-plain';

export interface PromptModelInfo {
  /** `model_type` from config.json. */
  modelType: string;
  /** Whether tokenizer_config.json carries a `chat_template`. */
  hasChatTemplate: boolean;
  /** Set by the model registry for models that only translate. */
  isTranslationModel?: boolean;
}

const T5_TYPES = new Set(['t5', 'mt5', 'umt5', 'longt5']);
const PLAIN_SEQ2SEQ_TYPES = new Set(['bart', 'pegasus', 'pegasus_x', 'led', 'mbart']);

export function familyFor(modelInfo: PromptModelInfo): PromptFamily {
  const type = modelInfo.modelType.toLowerCase();
  // T5 checkpoints sometimes ship a chat template copied from elsewhere; they were still
  // trained on task prefixes, so the model type wins over the template.
  if (T5_TYPES.has(type)) return 't5';
  if (type === 'marian') return 'marian';
  if (modelInfo.hasChatTemplate) return 'chat';
  // Other dedicated translators take the bare text, like Marian.
  if (modelInfo.isTranslationModel === true) return 'marian';
  if (PLAIN_SEQ2SEQ_TYPES.has(type)) return 'seq2seq-plain';
  throw new TemplateError(
    'unsupported-model',
    `No prompt family for model_type "${modelInfo.modelType}" without a chat template.`,
    'The configured model is not one Parley knows how to prompt.',
  );
}
