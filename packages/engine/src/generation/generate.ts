import type { GenerativeModel, StepOutput } from '../models/generative-model.js';
import type { GenerationConfig } from './generation-config.js';
import { RowProcessors } from './logits-processors.js';
import { Rng } from './rng.js';
import { chooseToken } from './sampling.js';
import { TextStream } from './text-stream.js';

export type FinishReason = 'eos' | 'length' | 'stop' | 'aborted';

export interface GenerationResult {
  text: string;
  tokenIds: number[];
  promptTokens: number;
  finishReason: FinishReason;
}

export interface RowRequest {
  prompt: readonly number[];
  config: GenerationConfig;
  /** Called with each piece of text as it becomes safe to show. */
  onText?: (piece: string) => void;
  signal?: AbortSignal;
  /** Called with each step's processed logits for this row (tests compare decoding paths). */
  onStepLogits?: (logits: Float32Array) => void;
}

interface Row {
  request: RowRequest;
  processors: RowProcessors;
  rng: Rng;
  stream: TextStream;
  tokens: number[];
  finish: FinishReason | null;
}

/**
 * Greedy or sampled decoding of a batch: each row keeps its own settings, random generator,
 * processors and stop strings. A row that finishes leaves the batch, so the others don't pay
 * for it. Beam search is separate (see beam-search.ts).
 */
export async function generate<S>(model: GenerativeModel<S>, requests: readonly RowRequest[]): Promise<GenerationResult[]> {
  const rows: Row[] = requests.map((request) => ({
    request,
    processors: new RowProcessors(request.config, model.processorContext(request.prompt)),
    rng: new Rng(request.config.seed),
    stream: new TextStream((ids) => model.tokenizer.decode(ids), request.config.stop),
    tokens: [],
    finish: null,
  }));
  let active = rows.map((_, i) => i);
  let out: StepOutput<S> = await model.start(requests.map((r) => r.prompt));

  while (active.length) {
    const next: number[] = [];
    active.forEach((r, i) => {
      const row = rows[r]!;
      const c = row.request.config;
      if (row.request.signal?.aborted) {
        row.finish = 'aborted';
        return;
      }
      const logits = out.logits.subarray(i * out.vocabSize, (i + 1) * out.vocabSize);
      row.processors.apply(logits);
      row.request.onStepLogits?.(logits);
      const token = chooseToken(logits, c, row.rng);
      row.processors.accept(token);
      if (c.eosTokenIds.includes(token)) {
        row.finish = 'eos';
        return;
      }
      row.tokens.push(token);
      const piece = row.stream.push(token);
      if (piece) row.request.onText?.(piece);
      if (row.stream.stopped) row.finish = 'stop';
      else if (row.tokens.length >= c.maxNewTokens) row.finish = 'length';
      else next.push(token);
    });
    const still = active.filter((r) => rows[r]!.finish === null);
    if (!still.length) break;
    const state = still.length === active.length ? out.state : model.select(out.state, still.map((r) => active.indexOf(r)));
    active = still;
    out = await model.step(state, next);
  }

  return rows.map((row) => {
    const rest = row.stream.finish();
    if (rest) row.request.onText?.(rest);
    return { text: row.stream.text, tokenIds: row.tokens, promptTokens: row.request.prompt.length, finishReason: row.finish ?? 'length' };
  });
}
