import ort from 'onnxruntime-node';
import type { GenerativeModel, StepOutput } from './generative-model.js';
import { emptyPast, nextPast, selectPast, type PastKeyValues } from './kv-cache.js';
import type { ModelConfig } from './model-config.js';
import { gatherRows, int64Rows, lastLogits } from './tensors.js';
import type { TextTokenizer } from './tokenizer.js';

export interface Seq2SeqState {
  hiddenStates: ort.Tensor;
  attentionMask: ort.Tensor;
  past: PastKeyValues;
}

type Decoders = { merged: ort.InferenceSession } | { noPast: ort.InferenceSession; withPast: ort.InferenceSession };

/**
 * An encoder–decoder export (T5, BART, Marian): the encoder runs once; the decoder runs once
 * per token with the self-attention cache growing and the cross-attention cache from step one.
 * Works with the merged decoder (`use_cache_branch`) and with the older pair of decoder files.
 */
export class Seq2SeqModel implements GenerativeModel<Seq2SeqState> {
  readonly kind = 'seq2seq';

  constructor(
    readonly config: ModelConfig,
    readonly tokenizer: TextTokenizer,
    private readonly encoder: ort.InferenceSession,
    private readonly decoders: Decoders,
  ) {}

  processorContext(): number[] {
    return [this.config.generation.decoderStartTokenId];
  }

  async encode(prompts: readonly (readonly number[])[]): Promise<Omit<Seq2SeqState, 'past'>> {
    const pad = this.config.generation.padTokenId;
    const inputIds = int64Rows(prompts, pad);
    const attentionMask = int64Rows(prompts.map((p) => p.map(() => 1)), 0);
    const out = await this.encoder.run({ input_ids: inputIds, attention_mask: attentionMask });
    return { hiddenStates: out['last_hidden_state'] as ort.Tensor, attentionMask };
  }

  async start(prompts: readonly (readonly number[])[]): Promise<StepOutput<Seq2SeqState>> {
    const encoded = await this.encode(prompts);
    const start = this.config.generation.decoderStartTokenId;
    return this.decode(encoded, prompts.map(() => [start]), null);
  }

  step(state: Seq2SeqState, tokens: readonly number[]): Promise<StepOutput<Seq2SeqState>> {
    return this.decode(state, tokens.map((t) => [t]), state.past);
  }

  /**
   * One decoder pass. With `past`, `rows` holds only the new tokens; with `past = null`, `rows`
   * is the whole decoder sequence and nothing cached is used.
   */
  async decode(
    encoded: Omit<Seq2SeqState, 'past'>,
    rows: readonly (readonly number[])[],
    past: PastKeyValues | null,
  ): Promise<StepOutput<Seq2SeqState>> {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64Rows(rows),
      encoder_hidden_states: encoded.hiddenStates,
      encoder_attention_mask: encoded.attentionMask,
    };
    let session: ort.InferenceSession;
    if ('merged' in this.decoders) {
      session = this.decoders.merged;
      Object.assign(feeds, past ?? emptyPast(session, rows.length), { use_cache_branch: new ort.Tensor('bool', [past !== null], [1]) });
    } else {
      session = past ? this.decoders.withPast : this.decoders.noPast;
      if (past) Object.assign(feeds, past);
    }
    // The with-past decoder of an unmerged export has no encoder_hidden_states input.
    if (!session.inputNames.includes('encoder_hidden_states')) delete feeds['encoder_hidden_states'];
    const out = await session.run(feeds);
    return { ...lastLogits(out['logits'] as ort.Tensor), state: { ...encoded, past: nextPast(out, past) } };
  }

  select(state: Seq2SeqState, rows: readonly number[]): Seq2SeqState {
    return {
      hiddenStates: gatherRows(state.hiddenStates, rows),
      attentionMask: gatherRows(state.attentionMask, rows),
      past: selectPast(state.past, rows),
    };
  }

  async release(): Promise<void> {
    const decoders = 'merged' in this.decoders ? [this.decoders.merged] : [this.decoders.noPast, this.decoders.withPast];
    await Promise.all([this.encoder, ...decoders].map((s) => s.release()));
  }
}
