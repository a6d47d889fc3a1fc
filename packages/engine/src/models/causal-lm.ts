import ort from 'onnxruntime-node';
import type { GenerativeModel, StepOutput } from './generative-model.js';
import { emptyPast, nextPast, selectPast, type PastKeyValues } from './kv-cache.js';
import type { ModelConfig } from './model-config.js';
import { int64Rows, lastLogits } from './tensors.js';
import type { TextTokenizer } from './tokenizer.js';

export interface CausalState {
  past: PastKeyValues;
  /** Per row: 1 for each real token so far, 0 for left padding. */
  mask: number[][];
  /** Per row: the position the next token will have. */
  nextPosition: number[];
}

/**
 * A decoder-only export (GPT-2, Llama, Qwen2, SmolLM, Phi): `model.onnx` with past inputs. Prompts
 * of different lengths are left-padded; the attention mask hides the padding and explicit
 * position ids (where the graph takes them) keep every row's positions as if it ran alone.
 */
export class CausalLM implements GenerativeModel<CausalState> {
  readonly kind = 'causal';

  /**
   * `first` reads the prompt, `next` every later token. They are the same session except in
   * legacy exports that ship decoder_model.onnx and decoder_with_past_model.onnx.
   */
  constructor(
    readonly config: ModelConfig,
    readonly tokenizer: TextTokenizer,
    private readonly first: ort.InferenceSession,
    private readonly next: ort.InferenceSession = first,
  ) {}

  processorContext(prompt: readonly number[]): number[] {
    return [...prompt];
  }

  start(prompts: readonly (readonly number[])[]): Promise<StepOutput<CausalState>> {
    const width = Math.max(...prompts.map((p) => p.length));
    const mask = prompts.map((p) => [...Array<number>(width - p.length).fill(0), ...p.map(() => 1)]);
    // Hugging Face's convention: positions count real tokens; padding gets position 1.
    const positions = mask.map((row) => {
      let seen = 0;
      return row.map((m) => (m ? seen++ : 1));
    });
    const state: CausalState = { past: emptyPast(this.first, prompts.length), mask, nextPosition: prompts.map((p) => p.length) };
    return this.run(this.first, int64Rows(prompts, this.config.generation.padTokenId, 'left'), positions, state, false);
  }

  step(state: CausalState, tokens: readonly number[]): Promise<StepOutput<CausalState>> {
    const next: CausalState = {
      past: state.past,
      mask: state.mask.map((row) => [...row, 1]),
      nextPosition: state.nextPosition.map((p) => p + 1),
    };
    return this.run(this.next, int64Rows(tokens.map((t) => [t])), state.nextPosition.map((p) => [p]), next, true);
  }

  /** Feeds what this session declares: position ids, a merged decoder's branch flag, logits-to-keep. */
  private async run(
    session: ort.InferenceSession,
    inputIds: ort.Tensor,
    positions: number[][],
    state: CausalState,
    cached: boolean,
  ): Promise<StepOutput<CausalState>> {
    const wants = (name: string) => session.inputNames.includes(name);
    const feeds: Record<string, ort.Tensor> = { input_ids: inputIds, attention_mask: int64Rows(state.mask) };
    for (const [name, t] of Object.entries(state.past)) if (wants(name)) feeds[name] = t;
    if (wants('position_ids')) feeds['position_ids'] = int64Rows(positions);
    if (wants('use_cache_branch')) feeds['use_cache_branch'] = new ort.Tensor('bool', [cached], [1]);
    const keep = session.inputNames.find((n) => n === 'num_logits_to_keep' || n === 'logits_to_keep');
    if (keep) feeds[keep] = new ort.Tensor('int64', BigInt64Array.from([1n]), []);
    const out = await session.run(feeds);
    return { ...lastLogits(out['logits'] as ort.Tensor), state: { ...state, past: nextPast(out, null) } };
  }

  select(state: CausalState, rows: readonly number[]): CausalState {
    return {
      past: selectPast(state.past, rows),
      mask: rows.map((r) => [...state.mask[r]!]),
      nextPosition: rows.map((r) => state.nextPosition[r]!),
    };
  }

  async release(): Promise<void> {
    await Promise.all([...new Set([this.first, this.next])].map((s) => s.release()));
  }
}
