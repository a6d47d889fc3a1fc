import ort from 'onnxruntime-node';
import type { GenerativeModel, RowSize, StepOutput } from './generative-model.js';
import { concatPast, emptyPast, nextPast, pastBytesPerPosition, slicePast, type PastKeyValues } from './kv-cache.js';
import type { ModelConfig } from './model-config.js';
import { int64Rows, lastLogits, tensorBytes } from './tensors.js';
import type { TextTokenizer } from './tokenizer.js';

/**
 * Rows are left-padded: each row's real tokens are the rightmost `lengths[r]` of the `width`
 * cached positions, so its attention mask and next position follow from its length alone.
 */
export interface CausalState {
  past: PastKeyValues;
  /** Per row: real tokens in the cache (prompt and generated), which is also its next position. */
  lengths: number[];
  /** Positions along the cache's past axis, padding included. */
  width: number;
}

/**
 * A decoder-only export (GPT-2, Llama, Qwen2, SmolLM, Phi): `model.onnx` with past inputs. Prompts
 * of different lengths are left-padded; the attention mask hides the padding and explicit
 * position ids (where the graph takes them) keep every row's positions as if it ran alone.
 */
export class CausalLM implements GenerativeModel<CausalState> {
  readonly kind = 'causal';
  readonly mergesAnyLength = true;
  private readonly bytesPerPosition: number;

  /**
   * `first` reads the prompt, `next` every later token. They are the same session except in
   * legacy exports that ship decoder_model.onnx and decoder_with_past_model.onnx.
   */
  constructor(
    readonly config: ModelConfig,
    readonly tokenizer: TextTokenizer,
    private readonly first: ort.InferenceSession,
    private readonly next: ort.InferenceSession = first,
  ) {
    this.bytesPerPosition = pastBytesPerPosition(next, () => true);
  }

  processorContext(prompt: readonly number[]): number[] {
    return [...prompt];
  }

  start(prompts: readonly (readonly number[])[]): Promise<StepOutput<CausalState>> {
    const width = Math.max(...prompts.map((p) => p.length));
    const lengths = prompts.map((p) => p.length);
    // Hugging Face's convention: positions count real tokens; padding gets position 1.
    const positions = new BigInt64Array(prompts.length * width).fill(1n);
    lengths.forEach((n, r) => {
      for (let i = 0; i < n; i++) positions[r * width + width - n + i] = BigInt(i);
    });
    const state: CausalState = { past: emptyPast(this.first, prompts.length), lengths, width };
    const inputIds = int64Rows(prompts, this.config.generation.padTokenId, 'left');
    return this.run(this.first, inputIds, new ort.Tensor('int64', positions, [prompts.length, width]), state, false);
  }

  step(state: CausalState, tokens: readonly number[]): Promise<StepOutput<CausalState>> {
    const rows = tokens.length;
    const ids = new BigInt64Array(rows);
    const positions = new BigInt64Array(rows);
    for (let r = 0; r < rows; r++) {
      ids[r] = BigInt(tokens[r]!);
      positions[r] = BigInt(state.lengths[r]!);
    }
    const next: CausalState = { past: state.past, lengths: state.lengths.map((n) => n + 1), width: state.width + 1 };
    return this.run(this.next, new ort.Tensor('int64', ids, [rows, 1]), new ort.Tensor('int64', positions, [rows, 1]), next, true);
  }

  /** The mask of `state` (which already counts the positions being fed): ones over each row's real tokens. */
  private mask(state: CausalState): ort.Tensor {
    const { lengths, width } = state;
    const data = new BigInt64Array(lengths.length * width);
    lengths.forEach((n, r) => data.fill(1n, (r + 1) * width - n, (r + 1) * width));
    return new ort.Tensor('int64', data, [lengths.length, width]);
  }

  /** Feeds what this session declares: position ids, a merged decoder's branch flag, logits-to-keep. */
  private async run(
    session: ort.InferenceSession,
    inputIds: ort.Tensor,
    positions: ort.Tensor,
    state: CausalState,
    cached: boolean,
  ): Promise<StepOutput<CausalState>> {
    const wants = (name: string) => session.inputNames.includes(name);
    const feeds: Record<string, ort.Tensor> = { input_ids: inputIds, attention_mask: this.mask(state) };
    for (const [name, t] of Object.entries(state.past)) if (wants(name)) feeds[name] = t;
    if (wants('position_ids')) feeds['position_ids'] = positions;
    if (wants('use_cache_branch')) feeds['use_cache_branch'] = new ort.Tensor('bool', [cached], [1]);
    const keep = session.inputNames.find((n) => n === 'num_logits_to_keep' || n === 'logits_to_keep');
    if (keep) feeds[keep] = new ort.Tensor('int64', BigInt64Array.from([1n]), []);
    const out = await session.run(feeds);
    return { ...lastLogits(out['logits'] as ort.Tensor), state: { ...state, past: nextPast(out, null) } };
  }

  /** The rows kept, with padding columns that no kept row needs any more cut from the left. */
  select(state: CausalState, rows: readonly number[]): CausalState {
    const lengths = rows.map((r) => state.lengths[r]!);
    const width = Math.max(...lengths);
    const from = state.width - width;
    return { past: slicePast(state.past, rows, () => [from, state.width]), lengths, width };
  }

  merge(a: CausalState, b: CausalState): CausalState {
    const width = Math.max(a.width, b.width);
    return { past: concatPast([a.past, b.past], () => width, () => 'left'), lengths: [...a.lengths, ...b.lengths], width };
  }

  batchBytes(rows: readonly RowSize[]): number {
    const longest = Math.max(0, ...rows.map((r) => r.promptTokens + r.maxNewTokens));
    return rows.length * longest * this.bytesPerPosition;
  }

  stateBytes(state: CausalState): number {
    return Object.values(state.past).reduce((n, t) => n + tensorBytes(t), 0);
  }

  async release(): Promise<void> {
    await Promise.all([...new Set([this.first, this.next])].map((s) => s.release()));
  }
}
