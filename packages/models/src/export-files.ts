import { ModelsError } from './errors.js';
import type { RepoFile } from './hub-client.js';

/** The weight precisions the engine loads, with Hugging Face's file-name suffixes. */
export const DTYPES = ['fp32', 'fp16', 'q8'] as const;
export type Dtype = (typeof DTYPES)[number];
const SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };

const REQUIRED = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
const OPTIONAL = ['generation_config.json', 'special_tokens_map.json'];

/** The ONNX graphs of each layout the engine loads, in order of preference. */
const LAYOUTS: string[][] = [
  ['encoder_model', 'decoder_model_merged'],
  ['encoder_model', 'decoder_model', 'decoder_with_past_model'],
  ['model'],
  ['decoder_model_merged'],
  ['decoder_model', 'decoder_with_past_model'],
];

/**
 * The files of `listing` the engine needs to run the export at `dtype`: the configs and tokenizer,
 * one layout's ONNX graphs and their external data (`model.onnx_data`, `model.onnx_data_1`, …).
 * Everything else in the repo (other precisions, READMEs, PyTorch weights) is left out.
 */
export function selectExportFiles(repo: string, listing: RepoFile[], dtype: Dtype): RepoFile[] {
  const byPath = new Map(listing.map((f) => [f.path, f]));
  const missing = REQUIRED.filter((p) => !byPath.has(p));
  if (missing.length > 0) throw new ModelsError('NO_EXPORT', `${repo} is not a Hugging Face ONNX export: it has no ${missing.join(', ')}.`);

  const onnx = (name: string, d: Dtype) => `onnx/${name}${SUFFIX[d]}.onnx`;
  const layout = LAYOUTS.find((names) => names.every((n) => byPath.has(onnx(n, dtype))));
  if (!layout) {
    const available = DTYPES.filter((d) => LAYOUTS.some((names) => names.every((n) => byPath.has(onnx(n, d)))));
    throw new ModelsError(
      'NO_EXPORT',
      available.length === 0
        ? `${repo} has no ONNX model in onnx/ (expected onnx/model.onnx or onnx/encoder_model.onnx with onnx/decoder_model_merged.onnx).`
        : `${repo} has no ${dtype} ONNX export; it has ${available.join(', ')} (use --dtype ${available[0]}).`,
    );
  }
  const graphs = layout.map((n) => onnx(n, dtype));
  // Only names right beside their graph: a listed path must never lead out of the model folder.
  const externalData = listing.filter((f) => graphs.some((g) => f.path.startsWith(`${g}_data`) && /^[\w.-]*$/.test(f.path.slice(g.length))));
  const wanted = [...REQUIRED, ...OPTIONAL.filter((p) => byPath.has(p)), ...graphs];
  return [...wanted.map((p) => byPath.get(p)!), ...externalData];
}
