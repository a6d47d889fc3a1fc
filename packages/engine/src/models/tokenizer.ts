import { Tokenizer } from '@huggingface/tokenizers';
import { modelInvalid } from '../errors.js';

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
  encode(text: string, addSpecialTokens = true): number[] {
    return this.inner.encode(text, { add_special_tokens: addSpecialTokens }).ids;
  }

  /**
   * Text of the ids, without special tokens. Tokenization-space clean-up stays off: it rewrites
   * text across token boundaries (" ." → "."), which would make a stream's pieces disagree with
   * the final text.
   */
  decode(ids: readonly number[]): string {
    if (ids.length === 0) return '';
    return this.inner.decode([...ids], { skip_special_tokens: true, clean_up_tokenization_spaces: false });
  }

  idToToken(id: number): string | undefined {
    return this.inner.id_to_token(id);
  }

  tokenToId(token: string): number | undefined {
    return this.inner.token_to_id(token);
  }
}
