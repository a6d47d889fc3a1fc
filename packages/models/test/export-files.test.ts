import { describe, expect, it } from 'vitest';
import { selectExportFiles } from '../src/export-files.js';
import type { RepoFile } from '../src/hub-client.js';
import { inferServes } from '../src/model-tasks.js';

const listing = (...paths: string[]): RepoFile[] => paths.map((path) => ({ path, size: 1 }));
const COMMON = ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'generation_config.json'];

describe('which files of an export are pulled', () => {
  it('takes a decoder-only model with its external data chunks, at the asked precision only', () => {
    const repo = listing(
      ...COMMON,
      'README.md',
      'onnx/model.onnx',
      'onnx/model.onnx_data',
      'onnx/model.onnx_data_1',
      'onnx/model_fp16.onnx',
      'onnx/model_fp16.onnx_data',
      'onnx/model_quantized.onnx',
      'onnx/model_q4.onnx',
      'onnx/model.onnx_data/../../../escape.sh',
    );
    const paths = (dtype: 'fp32' | 'fp16' | 'q8') => selectExportFiles('o/r', repo, dtype).map((f) => f.path);
    expect(paths('fp32')).toEqual([...COMMON, 'onnx/model.onnx', 'onnx/model.onnx_data', 'onnx/model.onnx_data_1']);
    expect(paths('fp16')).toEqual([...COMMON, 'onnx/model_fp16.onnx', 'onnx/model_fp16.onnx_data']);
    expect(paths('q8')).toEqual([...COMMON, 'onnx/model_quantized.onnx']);
  });

  it('prefers the merged decoder of an encoder–decoder, and falls back to the unmerged pair', () => {
    const both = listing(...COMMON, 'onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx', 'onnx/decoder_model.onnx', 'onnx/decoder_with_past_model.onnx');
    expect(selectExportFiles('o/r', both, 'fp32').map((f) => f.path).slice(4)).toEqual(['onnx/encoder_model.onnx', 'onnx/decoder_model_merged.onnx']);
    const pair = listing(...COMMON, 'onnx/encoder_model.onnx', 'onnx/decoder_model.onnx', 'onnx/decoder_with_past_model.onnx');
    expect(selectExportFiles('o/r', pair, 'fp32').map((f) => f.path).slice(4)).toEqual(['onnx/encoder_model.onnx', 'onnx/decoder_model.onnx', 'onnx/decoder_with_past_model.onnx']);
  });

  it('says when a repo has configs but no ONNX graphs', () => {
    expect(() => selectExportFiles('o/r', listing(...COMMON, 'model.safetensors'), 'fp32')).toThrow(
      'o/r has no ONNX model in onnx/ (expected onnx/model.onnx or onnx/encoder_model.onnx with onnx/decoder_model_merged.onnx).',
    );
  });
});

describe('what an uncurated model serves, from its config.json', () => {
  it('tells translators, summarizers, entity taggers and chat models apart', () => {
    expect(inferServes({ model_type: 'marian', is_encoder_decoder: true }, false, 'Helsinki-NLP/opus-mt-nl-en')).toEqual({ primary: ['translate'], fallback: [], translatePair: 'nl-en' });
    expect(inferServes({ model_type: 'marian', is_encoder_decoder: true }, false, 'Xenova/opus-mt-en-ROMANCE')).toEqual({ primary: [], fallback: ['translate'], translatePair: '*' });
    expect(inferServes({ model_type: 'bart', is_encoder_decoder: true }, false, 'o/bart')).toEqual({ primary: ['summarize'], fallback: [] });
    expect(inferServes({ model_type: 't5', is_encoder_decoder: true }, false, 'o/t5')).toEqual({ primary: ['summarize'], fallback: ['translate', 'entities', 'ask'], translatePair: '*' });
    expect(inferServes({ model_type: 'bert', architectures: ['BertForTokenClassification'] }, false, 'o/ner')).toEqual({ primary: ['entities'], fallback: [] });
    expect(inferServes({ model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'] }, true, 'o/qwen')).toEqual({ primary: ['ask'], fallback: ['summarize', 'entities', 'translate'], translatePair: '*' });
    expect(inferServes({ model_type: 'qwen2', architectures: ['Qwen2ForCausalLM'] }, false, 'o/qwen-base')).toEqual({ primary: [], fallback: [] });
    expect(inferServes({ model_type: 'gpt2', architectures: ['GPT2LMHeadModel'] }, false, 'o/gpt2')).toEqual({ primary: [], fallback: [] });
  });
});
