import ort from 'onnxruntime-node';

/**
 * The floor for single-stream decoding: the least a JavaScript loop can do per token with the
 * same onnxruntime sessions — feed ids, argmax the last position, pass the presents back. No
 * tokenizer, no logits processors, no validation. Parley's greedy loop is measured against it.
 */
export class RawLoop {
  private constructor(
    private readonly decoder: ort.InferenceSession,
    private readonly encoder: ort.InferenceSession | null,
  ) {}

  static async open(dir: string, family: 'seq2seq' | 'causal', options: ort.InferenceSession.SessionOptions): Promise<RawLoop> {
    if (family === 'causal') return new RawLoop(await ort.InferenceSession.create(`${dir}/onnx/model.onnx`, options), null);
    const encoder = await ort.InferenceSession.create(`${dir}/onnx/encoder_model.onnx`, options);
    return new RawLoop(await ort.InferenceSession.create(`${dir}/onnx/decoder_model_merged.onnx`, options), encoder);
  }

  /** Greedy decoding of `newTokens` tokens after `prompt` (EOS ignored, so every run does the same work). */
  async run(prompt: readonly number[], newTokens: number): Promise<number[]> {
    const ids = (values: number[]) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
    const feeds: Record<string, ort.Tensor> = {};
    for (const meta of this.decoder.inputMetadata) {
      if (meta.isTensor && meta.name.startsWith('past_key_values.')) {
        feeds[meta.name] = new ort.Tensor('float32', new Float32Array(0), meta.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? 1 : 0)));
      }
    }
    let input = [...prompt];
    if (this.encoder) {
      const encoded = await this.encoder.run({ input_ids: ids(input), attention_mask: ids(input.map(() => 1)) });
      feeds['encoder_hidden_states'] = encoded['last_hidden_state']!;
      feeds['encoder_attention_mask'] = ids(input.map(() => 1));
      input = [0];
    }
    const wants = new Set(this.decoder.inputNames);
    const out: number[] = [];
    let seen = 0;
    for (let step = 0; step < newTokens; step++) {
      feeds['input_ids'] = ids(input);
      if (!this.encoder) feeds['attention_mask'] = ids(Array<number>(seen + input.length).fill(1));
      if (wants.has('position_ids')) feeds['position_ids'] = ids(input.map((_, i) => seen + i));
      if (wants.has('use_cache_branch')) feeds['use_cache_branch'] = new ort.Tensor('bool', [step > 0], [1]);
      const result = await this.decoder.run(feeds);
      const logits = result['logits']!;
      const vocab = logits.dims[2]!;
      const data = logits.data as Float32Array;
      const from = (logits.dims[1]! - 1) * vocab;
      let best = 0;
      for (let i = 1; i < vocab; i++) if (data[from + i]! > data[from + best]!) best = i;
      for (const [name, value] of Object.entries(result)) {
        if (!name.startsWith('present.')) continue;
        const past = `past_key_values.${name.slice('present.'.length)}`;
        // The cached branch of a merged seq2seq decoder returns empty cross-attention presents: keep step one's.
        if (step > 0 && name.includes('.encoder.')) continue;
        feeds[past] = value;
      }
      seen += input.length;
      input = [best];
      out.push(best);
    }
    return out;
  }

  async release(): Promise<void> {
    await this.decoder.release();
    await this.encoder?.release();
  }
}
