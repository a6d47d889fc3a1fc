import type { TokenClassifier } from '../models/token-classifier.js';
import { aggregateEntities, type AggregationStrategy, type Entity } from './aggregate.js';
import { alignTokens } from './offsets.js';
import { toTokenPredictions } from './predictions.js';
import { softmax } from './softmax.js';
import { mergeWindowPredictions, planWindows } from './windows.js';

export interface EntityOptions {
  /** How tokens become entities, as in the Python pipeline. Default 'simple'. */
  aggregation?: AggregationStrategy;
  /** Labels left out after grouping. Default ['O']. */
  ignoreLabels?: string[];
  /** Tokens per window (special tokens not counted); defaults to what the model takes. */
  windowTokens?: number;
  /** Tokens shared by neighbouring windows. Default a quarter of a window, at most 128. */
  stride?: number;
}

/**
 * Entities in `text`: tokenize without special tokens, align the tokens to the text, run the
 * model over overlapping windows in one batch, merge the windows' per-token probabilities, then
 * aggregate once, so an entity across a window boundary is found once.
 */
export async function extractEntities(model: TokenClassifier, text: string, options: EntityOptions = {}): Promise<Entity[]> {
  const tokenizer = model.tokenizer;
  const { ids, tokens } = tokenizer.encodeTokens(text, false);
  if (ids.length === 0) return [];
  const alignment = tokenizer.alignment();
  const offsets = alignTokens(text, tokens, alignment);

  // The model's own special tokens around each window: whatever encode() adds around the text.
  const full = tokenizer.encodeTokens(text, true).ids;
  const prefix = full.slice(0, Math.max(0, full.indexOf(ids[0]!)));
  const suffix = full.slice(prefix.length + ids.length);
  const windowTokens = options.windowTokens ?? model.config.maxInputTokens - prefix.length - suffix.length;
  const stride = options.stride ?? Math.min(128, Math.floor(windowTokens / 4));
  const windows = planWindows(ids.length, windowTokens, stride);

  const rows = windows.map((w) => [...prefix, ...ids.slice(w.start, w.end), ...suffix]);
  const { logits, tokens: width, labels } = await model.classify(rows);
  const perWindow = windows.map((w, r) =>
    Array.from({ length: w.end - w.start }, (_, i) => softmax(logits, labels, r * width + prefix.length + i)),
  );
  const scores = mergeWindowPredictions(windows, perWindow);
  const predictions = toTokenPredictions(text, tokens, offsets, scores, alignment);
  return aggregateEntities(predictions, model.config.id2label, options.aggregation ?? 'simple', {
    text,
    ...(options.ignoreLabels && { ignoreLabels: options.ignoreLabels }),
  });
}
