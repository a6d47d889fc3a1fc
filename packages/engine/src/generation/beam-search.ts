import type { GenerativeModel } from '../models/generative-model.js';
import type { GenerationResult, RowRequest } from './row-request.js';
import { RowProcessors } from './logits-processors.js';
import { TextStream } from './text-stream.js';
import { topKIndices } from './top-k.js';

interface Beam {
  tokens: number[];
  /** Sum of log-probabilities of the tokens. */
  score: number;
  processors: RowProcessors;
}

interface Hypothesis {
  tokens: number[];
  /** Length-normalized: score / length^length_penalty. */
  score: number;
}

function logSoftmax(logits: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  let sum = 0;
  for (const v of logits) sum += Math.exp(v - max);
  const log = max + Math.log(sum);
  return Float32Array.from(logits, (v) => v - log);
}

/**
 * Beam search as in Hugging Face's generate() with early_stopping=false: keep the `numBeams`
 * best partial sequences by summed log-probability; a beam that ends in EOS becomes a finished
 * hypothesis scored by length^length_penalty; stop when no running beam can beat the worst of
 * `numBeams` finished ones. The batch is the beams of one request; the cache follows each beam's
 * parent with `select`.
 */
export async function beamSearch<S>(model: GenerativeModel<S>, request: RowRequest): Promise<GenerationResult> {
  const c = request.config;
  const k = c.numBeams;
  const finished: Hypothesis[] = [];
  const worstFinished = () => (finished.length < k ? -Infinity : Math.min(...finished.map((h) => h.score)));
  const addFinished = (h: Hypothesis) => {
    finished.push(h);
    finished.sort((a, b) => b.score - a.score);
    finished.length = Math.min(finished.length, k);
  };
  const norm = (score: number, length: number) => score / Math.max(1, length) ** c.lengthPenalty;

  let beams: Beam[] = [{ tokens: [], score: 0, processors: new RowProcessors(c, model.processorContext(request.prompt)) }];
  let out = await model.start([request.prompt]);
  let aborted = false;

  for (let step = 0; step < c.maxNewTokens; step++) {
    if (request.signal?.aborted) {
      aborted = true;
      break;
    }
    const candidates: { beam: number; token: number; score: number }[] = [];
    beams.forEach((beam, b) => {
      const logits = out.logits.subarray(b * out.vocabSize, (b + 1) * out.vocabSize);
      beam.processors.apply(logits);
      const logprobs = logSoftmax(logits);
      for (const token of topKIndices(logprobs, 2 * k)) {
        if (logprobs[token] !== -Infinity) candidates.push({ beam: b, token, score: beam.score + logprobs[token]! });
      }
    });
    candidates.sort((a, b) => b.score - a.score);

    const next: Beam[] = [];
    const parents: number[] = [];
    for (const [rank, cand] of candidates.entries()) {
      const parent = beams[cand.beam]!;
      if (c.eosTokenIds.includes(cand.token)) {
        if (rank < k) addFinished({ tokens: parent.tokens, score: norm(cand.score, parent.tokens.length + 1) });
        continue;
      }
      const processors = parent.processors.clone();
      processors.accept(cand.token);
      next.push({ tokens: [...parent.tokens, cand.token], score: cand.score, processors });
      parents.push(cand.beam);
      if (next.length === k) break;
    }
    const best = next[0];
    if (!best || worstFinished() >= norm(best.score, best.tokens.length)) {
      beams = [];
      break;
    }
    beams = next;
    if (step === c.maxNewTokens - 1) break;
    out = await model.step(model.select(out.state, parents), next.map((b) => b.tokens[b.tokens.length - 1]!));
  }
  for (const beam of beams) addFinished({ tokens: beam.tokens, score: norm(beam.score, beam.tokens.length) });

  const best = finished[0] ?? { tokens: [], score: 0 };
  const stream = new TextStream((ids) => model.tokenizer.decode(ids), c.stop);
  for (const t of best.tokens) stream.push(t);
  stream.finish();
  if (stream.text) request.onText?.(stream.text);
  const reachedEos = best.tokens.length < c.maxNewTokens && !beams.some((b) => b.tokens === best.tokens);
  return {
    text: stream.text,
    tokenIds: best.tokens,
    promptTokens: request.prompt.length,
    finishReason: aborted ? 'aborted' : stream.stopped ? 'stop' : reachedEos ? 'eos' : 'length',
  };
}
