import type ort from 'onnxruntime-node';
import { readLogits } from './float16.js';
import { emptyPast, nextPast, type PastKeyValues } from './kv-cache.js';
import { resolveSeq2SeqFiles } from './model-files.js';
import { readJson, readModelConfig, type ModelConfig } from './model-config.js';
import { int64Tensor, openSession, requireInputs, type SessionSettings } from './session.js';
import { TextTokenizer } from './tokenizer.js';
import { Tensor } from 'onnxruntime-node';

export interface EncoderState {
  hiddenStates: ort.Tensor;
  attentionMask: ort.Tensor;
  batch: number;
}

export interface DecoderStep {
  /** Logits of the last position of each row, [batch × vocab]. */
  logits: Float32Array;
  vocabSize: number;
  past: PastKeyValues;
}

/** An encoder–decoder export (T5, BART, Marian) on onnxruntime, with a merged decoder. */
export class Seq2SeqModel {
  private constructor(
    readonly config: ModelConfig,
    readonly tokenizer: TextTokenizer,
    private readonly encoder: ort.InferenceSession,
    private readonly decoder: ort.InferenceSession,
  ) {}

  static async load(dir: string, settings: SessionSettings = {}): Promise<Seq2SeqModel> {
    const files = resolveSeq2SeqFiles(dir);
    const tokenizerConfig = readJson(files.tokenizerConfig);
    const tokenizer = TextTokenizer.fromJson(readJson(files.tokenizer), tokenizerConfig, files.tokenizer);
    const config = readModelConfig(files.config, files.generationConfig, tokenizerConfig);
    const encoder = await openSession(files.encoder, settings);
    requireInputs(encoder, files.encoder, ['input_ids', 'attention_mask']);
    const decoder = await openSession(files.decoderMerged, settings);
    requireInputs(decoder, files.decoderMerged, ['input_ids', 'encoder_hidden_states', 'use_cache_branch']);
    return new Seq2SeqModel(config, tokenizer, encoder, decoder);
  }

  async encode(rows: number[][]): Promise<EncoderState> {
    const attentionMask = int64Tensor(rows.map((r) => r.map(() => 1)));
    const out = await this.encoder.run({ input_ids: int64Tensor(rows), attention_mask: attentionMask });
    return { hiddenStates: out['last_hidden_state'] as ort.Tensor, attentionMask, batch: rows.length };
  }

  /**
   * One decoder pass. With `past`, `rows` holds only the new tokens and the cached branch runs;
   * with `past = null`, `rows` is the whole decoder sequence and nothing is cached.
   */
  async decode(rows: number[][], encoder: EncoderState, past: PastKeyValues | null): Promise<DecoderStep> {
    const feeds: Record<string, ort.Tensor> = {
      input_ids: int64Tensor(rows),
      encoder_hidden_states: encoder.hiddenStates,
      encoder_attention_mask: encoder.attentionMask,
      use_cache_branch: new Tensor('bool', [past !== null], [1]),
      ...(past ?? emptyPast(this.decoder, encoder.batch)),
    };
    const out = await this.decoder.run(feeds);
    const logits = out['logits'] as ort.Tensor;
    const [batch, length, vocabSize] = logits.dims as [number, number, number];
    const data = logits.data as Float32Array | Uint16Array;
    const last = new Float32Array(batch * vocabSize);
    for (let b = 0; b < batch; b++) {
      readLogits(data, (b * length + length - 1) * vocabSize, vocabSize, last, b * vocabSize);
    }
    return { logits: last, vocabSize, past: nextPast(out, past) };
  }

  async release(): Promise<void> {
    await Promise.all([this.encoder.release(), this.decoder.release()]);
  }
}
