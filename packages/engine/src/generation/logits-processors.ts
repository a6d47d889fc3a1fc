import type { GenerationConfig } from './generation-config.js';

/**
 * The per-row logits processors of Hugging Face's generate(), applied in its order before
 * temperature/top-k/top-p: repetition penalty, no-repeat n-grams, bad words, min new tokens,
 * forced BOS/EOS. Their state grows one token at a time, so a step never rescans the sequence.
 */
export class RowProcessors {
  private readonly seen = new Set<number>();
  private readonly ngrams = new Map<string, Set<number>>();
  private readonly sequence: number[] = [];
  private generated = 0;

  /** `context` is what HF's input_ids hold before the first new token: the prompt (decoder-only) or the decoder start token (seq2seq). */
  constructor(
    private readonly config: GenerationConfig,
    context: readonly number[],
  ) {
    for (const t of context) this.push(t);
  }

  /** An independent copy, for a beam that branches off this one. */
  clone(): RowProcessors {
    const copy = new RowProcessors(this.config, []);
    for (const t of this.sequence) copy.sequence.push(t);
    for (const t of this.seen) copy.seen.add(t);
    for (const [k, v] of this.ngrams) copy.ngrams.set(k, new Set(v));
    copy.generated = this.generated;
    return copy;
  }

  /** Records the token chosen for this row. */
  accept(token: number): void {
    this.push(token);
    this.generated++;
  }

  get tokens(): readonly number[] {
    return this.sequence;
  }

  /** Applies every active processor to this row's logits, in place. */
  apply(logits: Float32Array): void {
    const c = this.config;
    if (c.repetitionPenalty !== 1) {
      for (const t of this.seen) {
        const v = logits[t]!;
        logits[t] = v < 0 ? v * c.repetitionPenalty : v / c.repetitionPenalty;
      }
    }
    const n = c.noRepeatNgramSize;
    if (n > 0 && this.sequence.length >= n - 1) {
      for (const t of this.ngrams.get(this.key(this.sequence.length - (n - 1))) ?? []) logits[t] = -Infinity;
    }
    for (const words of c.badWordsIds) {
      const last = words[words.length - 1]!;
      if (words.length === 1 || this.endsWith(words.slice(0, -1))) logits[last] = -Infinity;
    }
    if (this.generated < c.minNewTokens) for (const eos of c.eosTokenIds) logits[eos] = -Infinity;
    if (this.generated === 0 && c.forcedBosTokenId !== null) force(logits, c.forcedBosTokenId);
    else if (this.generated === c.maxNewTokens - 1 && c.forcedEosTokenId !== null) force(logits, c.forcedEosTokenId);
  }

  private push(token: number): void {
    this.sequence.push(token);
    this.seen.add(token);
    const n = this.config.noRepeatNgramSize;
    if (n > 0 && this.sequence.length >= n) {
      const start = this.sequence.length - n;
      const key = this.key(start, n - 1);
      let next = this.ngrams.get(key);
      if (!next) this.ngrams.set(key, (next = new Set()));
      next.add(token);
    }
  }

  private key(start: number, length = this.config.noRepeatNgramSize - 1): string {
    return this.sequence.slice(start, start + length).join(',');
  }

  private endsWith(prefix: readonly number[]): boolean {
    const offset = this.sequence.length - prefix.length;
    return offset >= 0 && prefix.every((t, i) => this.sequence[offset + i] === t);
  }
}

function force(logits: Float32Array, token: number): void {
  logits.fill(-Infinity);
  logits[token] = 0;
}
