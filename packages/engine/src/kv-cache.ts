import ort from 'onnxruntime-node';

/** past_key_values.* tensors keyed by input name. */
export type PastKeyValues = Record<string, ort.Tensor>;

const PAST_PREFIX = 'past_key_values.';

export function pastInputNames(session: ort.InferenceSession): string[] {
  return session.inputNames.filter((n) => n.startsWith(PAST_PREFIX));
}

/**
 * Zero-length past for the first step, shaped from the session's own input metadata: the batch
 * axis becomes `batch`, every other symbolic axis 0, numeric axes (heads, head size) stay. This
 * needs no per-architecture arithmetic, and the element type follows the graph (fp16 or fp32).
 */
export function emptyPast(session: ort.InferenceSession, batch: number): PastKeyValues {
  const past: PastKeyValues = {};
  for (const meta of session.inputMetadata) {
    if (!meta.isTensor || !meta.name.startsWith(PAST_PREFIX)) continue;
    const dims = meta.shape.map((d) => (typeof d === 'number' ? d : d === 'batch_size' ? batch : 0));
    const type = meta.type as 'float32' | 'float16';
    past[meta.name] = new ort.Tensor(type, type === 'float16' ? new Uint16Array(0) : new Float32Array(0), dims);
  }
  return past;
}

/**
 * The next step's past from this step's presents. Cross-attention (encoder) entries are kept
 * from the first step: a merged decoder's cached branch returns empty placeholders for them.
 */
export function nextPast(outputs: ort.InferenceSession.OnnxValueMapType, previous: PastKeyValues | null): PastKeyValues {
  const past: PastKeyValues = {};
  for (const [name, value] of Object.entries(outputs)) {
    if (!name.startsWith('present.')) continue;
    const pastName = PAST_PREFIX + name.slice('present.'.length);
    const kept = previous?.[pastName];
    past[pastName] = name.includes('.encoder.') && kept ? kept : (value as ort.Tensor);
  }
  return past;
}
