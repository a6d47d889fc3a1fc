import { Tokenizer } from '@huggingface/tokenizers';
import { modelInvalid } from './errors.js';

/** The model's own tokenizer, loaded from tokenizer.json and tokenizer_config.json. */
export class TextTokenizer {
  private constructor(private readonly inner: Tokenizer) {}

  static fromJson(tokenizerJson: object, tokenizerConfig: object, path: string): TextTokenizer {
    try {
      return new TextTokenizer(new Tokenizer(tokenizerJson, tokenizerConfig));
    } catch (err) {
      throw modelInvalid(`${path} could not be parsed as a tokenizer: ${(err as Error).message}`, err);
    }
  }

  /** Token ids including the special tokens the model expects (e.g. T5's trailing </s>). */
  encode(text: string): number[] {
    return this.inner.encode(text).ids;
  }

  decode(ids: number[]): string {
    return this.inner.decode(ids, { skip_special_tokens: true });
  }
}
