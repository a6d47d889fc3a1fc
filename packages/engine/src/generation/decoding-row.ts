import type { GenerativeModel } from '../models/generative-model.js';
import type { FinishReason, GenerationResult, RowRequest } from './row-request.js';
import { RowProcessors } from './logits-processors.js';
import { Rng } from './rng.js';
import { chooseToken } from './sampling.js';
import { TextStream } from './text-stream.js';

/**
 * One request's decoding state: its processors, random generator and stop strings. It only ever
 * sees its own row of logits, so what it produces does not depend on which batch it runs in.
 */
export class DecodingRow {
  private readonly processors: RowProcessors;
  private readonly rng: Rng;
  private readonly stream: TextStream;
  readonly tokens: number[] = [];
  finish: FinishReason | null = null;

  constructor(
    model: GenerativeModel<unknown>,
    readonly request: RowRequest,
  ) {
    this.processors = new RowProcessors(request.config, model.processorContext(request.prompt));
    this.rng = new Rng(request.config.seed);
    this.stream = new TextStream((ids) => model.tokenizer.decode(ids), request.config.stop);
  }

  /** Picks this row's next token from its logits; returns it, or null once the row has finished. */
  next(logits: Float32Array): number | null {
    const c = this.request.config;
    if (this.request.signal?.aborted) {
      this.finish = 'aborted';
      return null;
    }
    this.processors.apply(logits);
    this.request.onStepLogits?.(logits);
    const token = chooseToken(logits, c, this.rng);
    this.processors.accept(token);
    if (c.eosTokenIds.includes(token)) {
      this.finish = 'eos';
      return null;
    }
    this.tokens.push(token);
    const piece = this.stream.push(token);
    if (piece) this.request.onText?.(piece);
    if (this.stream.stopped) this.finish = 'stop';
    else if (this.tokens.length >= c.maxNewTokens) this.finish = 'length';
    return this.finish ? null : token;
  }

  /** Flushes held-back text and returns the result. */
  result(): GenerationResult {
    const rest = this.stream.finish();
    if (rest) this.request.onText?.(rest);
    return { text: this.stream.text, tokenIds: this.tokens, promptTokens: this.request.prompt.length, finishReason: this.finish ?? 'length' };
  }
}
