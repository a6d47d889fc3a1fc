import type { GenerativeModel, RowSize, StepOutput } from './generative-model.js';
import { CACHE_BRANCH, concatPast, emptyPast, nextPast, pastBytesPerPosition, slicePast, type PastKeyValues } from './kv-cache.js';
import type { ModelConfig } from './model-config.js';
import type { InferenceSession, Tensor } from './session.js';
import { concatPadded, int64Column, int64Rows, lastLogits, sliceRows, tensorBytes } from './tensors.js';
import type { TextTokenizer } from './tokenizer.js';

export interface Seq2SeqState {
  hiddenStates: Tensor;
  attentionMask: Tensor;
  /** Per row: real encoder positions; rows are right-padded to the longest. */
  encoderLengths: number[];
  past: PastKeyValues;
}

const isCross = (name: string) => name.includes('.encoder.');

type Decoders = { merged: InferenceSession } | { noPast: InferenceSession; withPast: InferenceSession };

/**
 * An encoder–decoder export (T5, BART, Marian): the encoder runs once; the decoder runs once
 * per token with the self-attention cache growing and the cross-attention cache from step one.
 * Works with the merged decoder (`use_cache_branch`) and with the older pair of decoder files.
 */
export class Seq2SeqModel implements GenerativeModel<Seq2SeqState> {
  readonly kind = 'seq2seq';
  readonly mergesAnyLength = false;
  private readonly selfBytes: number;
  private readonly crossBytes: number;
  private readonly takesEncoderStates: Set<InferenceSession>;
  /** The decoder that reads a cache: the merged one, or the with-past one of a pair. */
  private readonly cachedDecoder: InferenceSession;

  constructor(
    readonly config: ModelConfig,
    readonly tokenizer: TextTokenizer,
    private readonly encoder: InferenceSession,
    private readonly decoders: Decoders,
  ) {
    const decoder = 'merged' in decoders ? decoders.merged : decoders.withPast;
    this.cachedDecoder = decoder;
    // The with-past decoder of an unmerged export has no encoder_hidden_states input.
    const all = 'merged' in decoders ? [decoders.merged] : [decoders.noPast, decoders.withPast];
    this.takesEncoderStates = new Set(all.filter((d) => d.inputNames.includes('encoder_hidden_states')));
    this.selfBytes = pastBytesPerPosition(decoder, (n) => !isCross(n));
    const hidden = encoder.outputMetadata.find((m) => m.name === 'last_hidden_state');
    const width = hidden?.isTensor ? hidden.shape.find((d): d is number => typeof d === 'number') ?? 0 : 0;
    // The encoder states ride along with the cross-attention cache for every row.
    this.crossBytes = pastBytesPerPosition(decoder, isCross) + width * 4;
  }

  processorContext(): number[] {
    return [this.config.generation.decoderStartTokenId];
  }

  async encode(prompts: readonly (readonly number[])[]): Promise<Omit<Seq2SeqState, 'past'>> {
    const pad = this.config.generation.padTokenId;
    const inputIds = int64Rows(prompts, pad);
    const attentionMask = int64Rows(prompts.map((p) => p.map(() => 1)), 0);
    const out = await this.encoder.run({ input_ids: inputIds, attention_mask: attentionMask });
    return { hiddenStates: out['last_hidden_state'] as Tensor, attentionMask, encoderLengths: prompts.map((p) => p.length) };
  }

  async start(prompts: readonly (readonly number[])[]): Promise<StepOutput<Seq2SeqState>> {
    const encoded = await this.encode(prompts);
    const start = this.config.generation.decoderStartTokenId;
    return this.decode(encoded, int64Column(prompts.map(() => start)), null);
  }

  /**
   * The first step again, through the cached branch with an empty self-attention cache: the
   * cross-attention cache is reused rather than recomputed from the encoder states, which for
   * many rows of long prompts costs as much as a prefill.
   */
  restart(state: Seq2SeqState): Promise<StepOutput<Seq2SeqState>> {
    const start = this.config.generation.decoderStartTokenId;
    const { hiddenStates, attentionMask, encoderLengths, past } = state;
    const rows = encoderLengths.length;
    const cached = emptyPast(this.cachedDecoder, rows);
    for (const name in past) if (isCross(name)) cached[name] = past[name]!;
    return this.decode({ hiddenStates, attentionMask, encoderLengths }, int64Column(encoderLengths.map(() => start)), cached);
  }

  step(state: Seq2SeqState, tokens: readonly number[]): Promise<StepOutput<Seq2SeqState>> {
    return this.decode(state, int64Column(tokens), state.past);
  }

  /**
   * One decoder pass. With `past`, `inputIds` holds only the new tokens ([rows × 1]); with
   * `past = null`, it is the whole decoder sequence and nothing cached is used.
   */
  async decode(encoded: Omit<Seq2SeqState, 'past'>, inputIds: Tensor, past: PastKeyValues | null): Promise<StepOutput<Seq2SeqState>> {
    const feeds: Record<string, Tensor> = {
      input_ids: inputIds,
      encoder_hidden_states: encoded.hiddenStates,
      encoder_attention_mask: encoded.attentionMask,
    };
    let session: InferenceSession;
    if ('merged' in this.decoders) {
      session = this.decoders.merged;
      Object.assign(feeds, past ?? emptyPast(session, inputIds.dims[0]!), { use_cache_branch: past ? CACHE_BRANCH.cached : CACHE_BRANCH.first });
    } else {
      session = past ? this.decoders.withPast : this.decoders.noPast;
      if (past) Object.assign(feeds, past);
    }
    if (!this.takesEncoderStates.has(session)) delete feeds['encoder_hidden_states'];
    const out = await session.run(feeds);
    const { logits, vocabSize } = lastLogits(out['logits'] as Tensor);
    const { hiddenStates, attentionMask, encoderLengths } = encoded;
    return { logits, vocabSize, state: { hiddenStates, attentionMask, encoderLengths, past: nextPast(out, past) } };
  }

  /** The rows kept, with encoder padding that no kept row needs any more cut from the right. */
  select(state: Seq2SeqState, rows: readonly number[]): Seq2SeqState {
    const encoderLengths = rows.map((r) => state.encoderLengths[r]!);
    const longest = Math.max(...encoderLengths);
    return {
      hiddenStates: sliceRows(state.hiddenStates, rows, 1, 0, longest),
      attentionMask: sliceRows(state.attentionMask, rows, 1, 0, longest),
      encoderLengths,
      past: slicePast(state.past, rows, (name) => (isCross(name) ? [0, longest] : null)),
    };
  }

  merge(...states: Seq2SeqState[]): Seq2SeqState | null {
    // The decoder's self-attention takes no mask and derives positions from the cache length, so
    // padding the decoder cache would change a row's output: only equal decoder lengths merge.
    const own = decoderLength(states[0]!);
    if (states.some((s) => decoderLength(s) !== own)) return null;
    if (states.length === 1) return states[0]!;
    const longest = Math.max(...states.map((s) => s.hiddenStates.dims[1]!));
    return {
      hiddenStates: concatPadded(states.map((s) => s.hiddenStates), 1, longest, 'right'),
      attentionMask: concatPadded(states.map((s) => s.attentionMask), 1, longest, 'right'),
      encoderLengths: states.flatMap((s) => s.encoderLengths),
      past: concatPast(states.map((s) => s.past), (name) => (isCross(name) ? longest : own), () => 'right'),
    };
  }

  batchBytes(rows: readonly RowSize[]): number {
    const prompt = Math.max(0, ...rows.map((r) => r.promptTokens));
    const reply = Math.max(0, ...rows.map((r) => r.maxNewTokens));
    return rows.length * (prompt * this.crossBytes + reply * this.selfBytes);
  }

  stateBytes(state: Seq2SeqState): number {
    return Object.values(state.past).reduce((n, t) => n + tensorBytes(t), tensorBytes(state.hiddenStates));
  }

  async release(): Promise<void> {
    const decoders = 'merged' in this.decoders ? [this.decoders.merged] : [this.decoders.noPast, this.decoders.withPast];
    await Promise.all([this.encoder, ...decoders].map((s) => s.release()));
  }
}

function decoderLength(state: Seq2SeqState): number {
  const name = Object.keys(state.past).find((n) => !isCross(n));
  return name ? state.past[name]!.dims[2]! : 0;
}
