import { ModelsError } from './errors.js';
import type { RepoFile } from './hub-client.js';

/** The weight precisions the engine loads, with Hugging Face's file-name suffixes. */
export const DTYPES = ['fp32', 'fp16', 'q8'] as const;
export type Dtype = (typeof DTYPES)[number];
const SUFFIX: Record<Dtype, string> = { fp32: '', fp16: '_fp16', q8: '_quantized' };

/** The configs and tokenizer every export has, and the ones taken when present. */
export const REQUIRED_FILES: readonly string[] = ['config.json', 'tokenizer.json', 'tokenizer_config.json'];
export const OPTIONAL_FILES: readonly string[] = ['generation_config.json', 'special_tokens_map.json'];

/** One set of ONNX graphs the engine loads; `encoderDecoder` tells the model families apart. */
export interface ExportLayout {
  encoderDecoder: boolean;
  graphs: readonly string[];
}

/** The ONNX graphs of each layout the engine loads, in order of preference. */
export const LAYOUTS: readonly ExportLayout[] = [
  { encoderDecoder: true, graphs: ['encoder_model', 'decoder_model_merged'] },
  { encoderDecoder: true, graphs: ['encoder_model', 'decoder_model', 'decoder_with_past_model'] },
  { encoderDecoder: false, graphs: ['model'] },
  { encoderDecoder: false, graphs: ['decoder_model_merged'] },
  { encoderDecoder: false, graphs: ['decoder_model', 'decoder_with_past_model'] },
];

/** `onnx/<graph><suffix>.onnx`: where a graph of a layout is, at one precision. */
export function onnxFile(graph: string, dtype: Dtype): string {
  return `onnx/${graph}${SUFFIX[dtype]}.onnx`;
}

/** The graph files of `layout` at `dtype`. */
export function layoutFiles(layout: ExportLayout, dtype: Dtype): string[] {
  return layout.graphs.map((g) => onnxFile(g, dtype));
}

/**
 * The paths of `paths` that are external data of one of `graphs` (`model.onnx_data`,
 * `model.onnx_data_1`, …). Only names right beside their graph: a listed path must never lead out
 * of the model folder.
 */
export function externalDataFiles(graphs: readonly string[], paths: readonly string[]): string[] {
  return paths.filter((p) => graphs.some((g) => p.startsWith(`${g}_data`) && /^[\w.-]*$/.test(p.slice(g.length))));
}

/**
 * The files of `listing` the engine needs to run the export at `dtype`: the configs and tokenizer,
 * one layout's ONNX graphs and their external data (`model.onnx_data`, `model.onnx_data_1`, …).
 * Everything else in the repo (other precisions, READMEs, PyTorch weights) is left out.
 */
export function selectExportFiles(repo: string, listing: RepoFile[], dtype: Dtype): RepoFile[] {
  const byPath = new Map(listing.map((f) => [f.path, f]));
  const missing = REQUIRED_FILES.filter((p) => !byPath.has(p));
  if (missing.length > 0) throw new ModelsError('NO_EXPORT', `${repo} is not a Hugging Face ONNX export: it has no ${missing.join(', ')}.`);

  const complete = (layout: ExportLayout, d: Dtype) => layoutFiles(layout, d).every((p) => byPath.has(p));
  const layout = LAYOUTS.find((l) => complete(l, dtype));
  if (!layout) {
    const available = DTYPES.filter((d) => LAYOUTS.some((l) => complete(l, d)));
    throw new ModelsError(
      'NO_EXPORT',
      available.length === 0
        ? `${repo} has no ONNX model in onnx/ (expected onnx/model.onnx or onnx/encoder_model.onnx with onnx/decoder_model_merged.onnx).`
        : `${repo} has no ${dtype} ONNX export; it has ${available.join(', ')} (use --dtype ${available[0]}).`,
    );
  }
  const graphs = layoutFiles(layout, dtype);
  const externalData = externalDataFiles(
    graphs,
    listing.map((f) => f.path),
  ).map((p) => byPath.get(p)!);
  const wanted = [...REQUIRED_FILES, ...OPTIONAL_FILES.filter((p) => byPath.has(p)), ...graphs];
  return [...wanted.map((p) => byPath.get(p)!), ...externalData];
}
