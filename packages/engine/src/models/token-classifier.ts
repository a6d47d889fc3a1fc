import type { ModelConfig } from './model-config.js';
import type { InferenceSession, Tensor } from './session.js';
import { int64Rows } from './tensors.js';
import type { TextTokenizer } from './tokenizer.js';

/** A token-classification export (BERT, DistilBERT NER): one pass, logits per token and label. */
export class TokenClassifier {
  readonly kind = 'token-classification';
  private readonly wantsTokenTypes: boolean;

  constructor(
    readonly config: ModelConfig,
    readonly tokenizer: TextTokenizer,
    private readonly session: InferenceSession,
  ) {
    // DistilBERT and RoBERTa exports have no token_type_ids; send them only where asked.
    this.wantsTokenTypes = session.inputNames.includes('token_type_ids');
  }

  /** Logits [rows × tokens × labels] for right-padded rows of token ids. */
  async classify(rows: readonly (readonly number[])[]): Promise<{ logits: Float32Array; tokens: number; labels: number }> {
    const feeds: Record<string, Tensor> = {
      input_ids: int64Rows(rows, this.config.generation.padTokenId),
      attention_mask: int64Rows(rows.map((r) => r.map(() => 1)), 0),
    };
    if (this.wantsTokenTypes) feeds['token_type_ids'] = int64Rows(rows.map((r) => r.map(() => 0)), 0);
    const out = (await this.session.run(feeds))['logits'] as Tensor;
    const [, tokens, labels] = out.dims as [number, number, number];
    return { logits: out.data as Float32Array, tokens, labels };
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
