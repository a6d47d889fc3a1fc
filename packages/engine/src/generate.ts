import { promptTooLong } from './errors.js';
import type { GenerationOptions } from './generation-options.js';
import { argmax } from './greedy.js';
import type { Seq2SeqModel } from './seq2seq-model.js';

export interface GenerationResult {
  text: string;
  tokenIds: number[];
  promptTokens: number;
  finishReason: 'eos' | 'length';
}

export interface GenerationTrace {
  /** Called with each step's last-position logits, e.g. by tests that compare cache paths. */
  onStepLogits?: (logits: Float32Array, step: number) => void;
}

/** Greedy decoding with a KV cache: one encoder pass, then one cached decoder pass per token. */
export async function generateGreedy(
  model: Seq2SeqModel,
  promptIds: number[],
  options: Readonly<GenerationOptions>,
  trace: GenerationTrace = {},
): Promise<GenerationResult> {
  if (promptIds.length > model.config.maxInputTokens) {
    throw promptTooLong(promptIds.length, model.config.maxInputTokens);
  }
  const encoder = await model.encode([promptIds]);
  const eos = new Set(model.config.eosTokenIds);
  const tokenIds: number[] = [];
  let next = model.config.decoderStartTokenId;
  let past = null;
  let finishReason: GenerationResult['finishReason'] = 'length';
  for (let step = 0; step < options.maxNewTokens; step++) {
    const out = await model.decode([[next]], encoder, past);
    trace.onStepLogits?.(out.logits, step);
    past = out.past;
    next = argmax(out.logits, out.vocabSize);
    if (eos.has(next)) {
      finishReason = 'eos';
      break;
    }
    tokenIds.push(next);
  }
  return { text: model.tokenizer.decode(tokenIds), tokenIds, promptTokens: promptIds.length, finishReason };
}
