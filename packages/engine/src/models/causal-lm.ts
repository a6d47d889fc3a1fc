import type { GenerativeModel, RowSize, StepOutput } from './generative-model.js';
import { EngineError } from '../errors.js';
import { CACHE_BRANCH, concatPast, emptyPast, nextPast, pastBytesPerPosition, slicePast, type PastKeyValues } from './kv-cache.js';
import { appendSlot, markSlot, packSlots, SLOT_HEADROOM, slotCapacity, slotMask, type SlotSource } from './kv-slots.js';
import type { ModelConfig } from './model-config.js';
import { NEW_KV_PREFIX } from './new-kv-outputs.js';
import { Tensor, type InferenceSession, type SessionOutputs } from './session.js';
import { int64Column, int64Rows, lastLogits, tensorBytes } from './tensors.js';
import type { TextTokenizer } from './tokenizer.js';

/**
 * Rows are left-padded: each row's real tokens are the rightmost `lengths[r]` of the `width`
 * cached positions, so its attention mask and next position follow from its length alone.
 */
export interface CausalState {
  /**
   * Fed to the graph as is. As exported, [rows, heads, width, head size]. With a graph that
   * returns only new positions, [rows, heads, capacity, head size] with slots [width, capacity)
   * free (kv-slots.ts); a step then writes into these buffers, so a state is used for one step only.
   */
  past: PastKeyValues;
  /** Per row: real tokens in the cache (prompt and generated), which is also its next position. */
  lengths: number[];
  /** Positions along the cache's past axis, padding included. */
  width: number;
  /** With slots: the next step's attention mask, [rows, capacity + 1], updated in place. */
  mask?: Tensor;
}

/** What a session takes besides input_ids and attention_mask, read once from its input names. */
interface FeedPlan {
  inputs: Set<string>;
  positions: boolean;
  branch: boolean;
  keep: string | undefined;
}

function feedPlan(session: InferenceSession): FeedPlan {
  const inputs = new Set(session.inputNames);
  return {
    inputs,
    positions: inputs.has('position_ids'),
    branch: inputs.has('use_cache_branch'),
    keep: session.inputNames.find((n) => n === 'num_logits_to_keep' || n === 'logits_to_keep'),
  };
}

/** `num_logits_to_keep` / `logits_to_keep`: the last position only. */
const KEEP_LAST = new Tensor('int64', BigInt64Array.from([1n]), []);

/**
 * A decoder-only export (GPT-2, Llama, Qwen2, SmolLM, Phi): `model.onnx` with past inputs. Prompts
 * of different lengths are left-padded; the attention mask hides the padding and explicit
 * position ids (where the graph takes them) keep every row's positions as if it ran alone.
 */
export class CausalLM implements GenerativeModel<CausalState> {
  readonly kind = 'causal';
  readonly mergesAnyLength = true;
  private readonly bytesPerPosition: number;
  /** The step graph returns only new positions, so the cache lives in slots (kv-slots.ts). */
  readonly slots: boolean;
  private readonly firstPlan: FeedPlan;
  private readonly nextPlan: FeedPlan;

  /**
   * `first` reads the prompt, `next` every later token. They are the same session except in
   * legacy exports that ship decoder_model.onnx and decoder_with_past_model.onnx.
   */
  constructor(
    readonly config: ModelConfig,
    readonly tokenizer: TextTokenizer,
    private readonly first: InferenceSession,
    private readonly next: InferenceSession = first,
  ) {
    this.bytesPerPosition = pastBytesPerPosition(next, () => true);
    this.slots = next.outputNames.some((n) => n.startsWith(NEW_KV_PREFIX));
    this.firstPlan = feedPlan(first);
    this.nextPlan = feedPlan(next);
  }

  processorContext(prompt: readonly number[]): number[] {
    return [...prompt];
  }

  async start(prompts: readonly (readonly number[])[]): Promise<StepOutput<CausalState>> {
    const width = Math.max(...prompts.map((p) => p.length));
    const lengths = prompts.map((p) => p.length);
    // Hugging Face's convention: positions count real tokens; padding gets position 1.
    const positions = new BigInt64Array(prompts.length * width).fill(1n);
    lengths.forEach((n, r) => {
      for (let i = 0; i < n; i++) positions[r * width + width - n + i] = BigInt(i);
    });
    const state: CausalState = { past: emptyPast(this.first, prompts.length), lengths, width };
    const inputIds = int64Rows(prompts, this.config.generation.padTokenId, 'left');
    const out = await this.run(this.first, inputIds, new Tensor('int64', positions, [prompts.length, width]), state, this.mask(state), false);
    const prompt = nextPast(out.outputs, null);
    if (!this.slots) return { ...out.logits, state: { ...state, past: prompt } };
    const rows = prompts.map((_, r) => r);
    return { ...out.logits, state: this.packed([{ past: prompt, rows, width }], lengths, width) };
  }

  async step(state: CausalState, tokens: readonly number[]): Promise<StepOutput<CausalState>> {
    const inputIds = int64Column(tokens);
    const positionIds = int64Column(state.lengths);
    const lengths = state.lengths.map((n) => n + 1);
    if (!this.slots) {
      const next: CausalState = { past: state.past, lengths, width: state.width + 1 };
      const out = await this.run(this.next, inputIds, positionIds, next, this.mask(next), true);
      return { ...out.logits, state: { ...next, past: nextPast(out.outputs, null) } };
    }
    // A state whose last step found no free slot has reached the end of the context window.
    if (this.capacity(state) < state.width) throw new EngineError('ENGINE_FAILURE', 'a step was asked past the end of the context window', 'That conversation is too long for this model.');
    const full = this.capacity(state) === state.width;
    const room = full && state.width + 1 < this.config.maxInputTokens ? this.packed([{ ...state, rows: state.lengths.map((_, r) => r) }], state.lengths, state.width) : state;
    const out = await this.run(this.next, inputIds, positionIds, room, room.mask!, true);
    // With no room left this was the last position the model has; no later step can read it.
    if (this.capacity(room) > room.width) {
      appendSlot(room.past, nextPast(out.outputs, null), room.width);
      markSlot(room.mask!, room.width);
    }
    return { ...out.logits, state: { past: room.past, lengths, width: room.width + 1, mask: room.mask! } };
  }

  /** Slots in a slots state's buffers, read off its mask ([rows, capacity + 1]). */
  private capacity(state: CausalState): number {
    return state.mask!.dims[1]! - 1;
  }

  /** A slots state for the sources' rows, with fresh buffers and headroom. */
  private packed(sources: readonly SlotSource[], lengths: readonly number[], width: number): CausalState {
    const capacity = slotCapacity(width, this.config.maxInputTokens);
    return { past: packSlots(sources, width, capacity), lengths: [...lengths], width, mask: slotMask(lengths, width, capacity) };
  }

  /** The mask of `state` (which already counts the positions being fed): ones over each row's real tokens. */
  private mask(state: CausalState): Tensor {
    const { lengths, width } = state;
    const data = new BigInt64Array(lengths.length * width);
    lengths.forEach((n, r) => data.fill(1n, (r + 1) * width - n, (r + 1) * width));
    return new Tensor('int64', data, [lengths.length, width]);
  }

  /** Feeds what this session declares: position ids, a merged decoder's branch flag, logits-to-keep. */
  private async run(
    session: InferenceSession,
    inputIds: Tensor,
    positions: Tensor,
    state: CausalState,
    mask: Tensor,
    cached: boolean,
  ): Promise<{ logits: { logits: Float32Array; vocabSize: number }; outputs: SessionOutputs }> {
    const plan = session === this.first ? this.firstPlan : this.nextPlan;
    const feeds: Record<string, Tensor> = { input_ids: inputIds, attention_mask: mask };
    for (const name in state.past) if (plan.inputs.has(name)) feeds[name] = state.past[name]!;
    if (plan.positions) feeds['position_ids'] = positions;
    if (plan.branch) feeds['use_cache_branch'] = cached ? CACHE_BRANCH.cached : CACHE_BRANCH.first;
    if (plan.keep) feeds[plan.keep] = KEEP_LAST;
    const outputs = await session.run(feeds);
    return { logits: lastLogits(outputs['logits'] as Tensor), outputs };
  }

  /** The rows kept, with padding columns that no kept row needs any more cut from the left. */
  select(state: CausalState, rows: readonly number[]): CausalState {
    const lengths = rows.map((r) => state.lengths[r]!);
    const width = Math.max(...lengths);
    if (this.slots) return this.packed([{ ...state, rows }], lengths, width);
    const from = state.width - width;
    return { past: slicePast(state.past, rows, () => [from, state.width]), lengths, width };
  }

  merge(...states: CausalState[]): CausalState {
    if (states.length === 1) return states[0]!;
    const width = Math.max(...states.map((s) => s.width));
    const lengths = states.flatMap((s) => s.lengths);
    if (this.slots) return this.packed(states.map((s) => ({ ...s, rows: s.lengths.map((_, r) => r) })), lengths, width);
    return { past: concatPast(states.map((s) => s.past), () => width, () => 'left'), lengths, width };
  }

  batchBytes(rows: readonly RowSize[]): number {
    const longest = Math.max(0, ...rows.map((r) => r.promptTokens + r.maxNewTokens));
    // Slots are allocated with headroom (kv-slots.ts), up to the model's positions.
    const positions = this.slots ? Math.max(longest, Math.min(longest + SLOT_HEADROOM, this.config.maxInputTokens - 1)) : longest;
    return rows.length * positions * this.bytesPerPosition;
  }

  stateBytes(state: CausalState): number {
    return Object.values(state.past).reduce((n, t) => n + tensorBytes(t), 0);
  }

  async release(): Promise<void> {
    await Promise.all([...new Set([this.first, this.next])].map((s) => s.release()));
  }
}
