import { Tokenizer } from '@huggingface/tokenizers';
import { modelInvalid } from '../errors.js';

/** The model's own tokenizer, loaded from tokenizer.json and tokenizer_config.json. */
export class TextTokenizer {
  private constructor(
    private readonly inner: Tokenizer,
    private readonly json: Record<string, unknown>,
  ) {}

  static fromJson(tokenizerJson: object, tokenizerConfig: object, path: string): TextTokenizer {
    try {
      return new TextTokenizer(new Tokenizer(tokenizerJson, tokenizerConfig), tokenizerJson as Record<string, unknown>);
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

  /** Ids and token strings, for tasks that map tokens back onto the text (NER). */
  encodeTokens(text: string, addSpecialTokens: boolean): { ids: number[]; tokens: string[] } {
    const { ids, tokens } = this.inner.encode(text, { add_special_tokens: addSpecialTokens });
    return { ids, tokens };
  }

  /** What offset alignment needs to know about this tokenizer's normalization and pieces. */
  alignment(): { specialTokens: Set<string>; unkToken?: string; continuingSubwordPrefix?: string; lowercase: boolean; stripAccents?: boolean } {
    const model = (this.json['model'] ?? {}) as Record<string, unknown>;
    const normalizer = (this.json['normalizer'] ?? {}) as Record<string, unknown>;
    const added = (this.json['added_tokens'] ?? []) as { content: string; special?: boolean }[];
    const bert = normalizer['type'] === 'BertNormalizer';
    return {
      specialTokens: new Set(added.filter((t) => t.special).map((t) => t.content)),
      ...(typeof model['unk_token'] === 'string' && { unkToken: model['unk_token'] }),
      ...(typeof model['continuing_subword_prefix'] === 'string' && { continuingSubwordPrefix: model['continuing_subword_prefix'] }),
      lowercase: bert && normalizer['lowercase'] === true,
      ...(bert && typeof normalizer['strip_accents'] === 'boolean' && { stripAccents: normalizer['strip_accents'] }),
    };
  }

  idToToken(id: number): string | undefined {
    return this.inner.id_to_token(id);
  }

  tokenToId(token: string): number | undefined {
    return this.inner.token_to_id(token);
  }
}
