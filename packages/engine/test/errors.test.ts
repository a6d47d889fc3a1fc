import { Engine, EngineError, type EngineErrorCode } from '@parley/engine';
import { isCodedError, ParleyError } from '@parley/errors';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveGenerationConfig } from '../src/generation/generation-config.js';
import { loadSeq2Seq, tinySeq2Seq } from './helpers.js';

async function copyModel(dir: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'parley-bad-model-'));
  await cp(dir, copy, { recursive: true });
  return copy;
}

describe('EngineError is a coded error', () => {
  const PERMANENT: Record<EngineErrorCode, boolean> = {
    PROMPT_TOO_LONG: true,
    INVALID_OPTION: true,
    MODEL_NOT_FOUND: true,
    MODEL_INVALID: true,
    WRONG_TASK: true,
    ENGINE_CLOSED: false,
    ENGINE_FAILURE: false,
  };

  it.each(Object.entries(PERMANENT) as [EngineErrorCode, boolean][])('%s: permanent is %s, and code, messages and permanence survive a structured clone', (code, permanent) => {
    const err = new EngineError(code, `log text for ${code}`, `user text for ${code}`);
    expect(err).toBeInstanceOf(ParleyError);
    expect(err).toBeInstanceOf(Error);
    expect(isCodedError(err)).toBe(true);
    expect(err.name).toBe('EngineError');
    expect(err).toMatchObject({ code, permanent, message: `log text for ${code}`, userMessage: `user text for ${code}` });
    // What postMessage does to it on the way out of the engine's thread.
    const data = structuredClone(err.toJSON());
    expect(data).toEqual({ name: 'EngineError', code, permanent, message: `log text for ${code}`, userMessage: `user text for ${code}` });
    const back = EngineError.fromJSON(data);
    expect(back).toBeInstanceOf(EngineError);
    expect(back).toMatchObject({ name: 'EngineError', code, permanent, message: err.message, userMessage: err.userMessage });
  });

  it('keeps its cause', () => {
    const cause = new Error('onnxruntime said no');
    expect(new EngineError('ENGINE_FAILURE', 'x', 'y', { cause }).cause).toBe(cause);
  });

  it('arrives from the thread whole: a load failure and a refused request', async () => {
    const load = await Engine.start('/nonexistent/parley-model').catch((e: unknown) => e);
    expect(load).toBeInstanceOf(EngineError);
    expect(load).toMatchObject({ name: 'EngineError', code: 'MODEL_NOT_FOUND', permanent: true, userMessage: 'The model for this task is not installed.' });
    const engine = await Engine.start(await tinySeq2Seq(), { intraOpThreads: 1 });
    try {
      const refused = await engine.generate('summarize: x', { topP: 2 }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(EngineError);
      expect(refused).toMatchObject({ name: 'EngineError', code: 'INVALID_OPTION', permanent: true, message: expect.stringContaining('top_p=2') });
    } finally {
      await engine.close();
    }
    const closed = await engine.generate('summarize: x').catch((e: unknown) => e);
    expect(closed).toMatchObject({ name: 'EngineError', code: 'ENGINE_CLOSED', permanent: false });
  });
});

describe('engine errors name the problem', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await tinySeq2Seq();
  });

  it('a missing model folder names the folder and the expected layout', async () => {
    const err = await Engine.start('/nonexistent/parley-model').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EngineError);
    expect(err).toMatchObject({ code: 'MODEL_NOT_FOUND' });
    expect((err as Error).message).toContain('/nonexistent/parley-model');
    expect((err as Error).message).toContain('onnx/decoder_model_merged.onnx');
  });

  it('a missing file names that file', async () => {
    const copy = await copyModel(dir);
    await rm(join(copy, 'onnx', 'encoder_model.onnx'));
    const err = await Engine.start(copy).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('has no onnx/encoder_model.onnx') });
  });

  it('a corrupted ONNX file names the file', async () => {
    const copy = await copyModel(dir);
    await writeFile(join(copy, 'onnx', 'decoder_model_merged.onnx'), 'not a protobuf');
    const err = await Engine.start(copy).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('decoder_model_merged.onnx') });
  });

  it('every bad generation setting is refused with the parameter, the value and the allowed range', async () => {
    const model = await loadSeq2Seq();
    const cases: [Record<string, unknown>, string][] = [
      [{ maxNewTokens: 0 }, 'max_new_tokens=0 is not allowed: expected an integer from 1 to 4096'],
      [{ maxNewTokens: 1.5 }, 'max_new_tokens=1.5 is not allowed: expected an integer from 1 to 4096'],
      [{ topP: 1.5 }, 'top_p=1.5 is not allowed: expected a number above 0 and at most 1'],
      [{ topP: 0 }, 'top_p=0 is not allowed: expected a number above 0 and at most 1'],
      [{ temperature: -1 }, 'temperature=-1 is not allowed: expected a number above 0 and at most 100'],
      [{ topK: -2 }, 'top_k=-2 is not allowed: expected an integer from 0 to 100000'],
      [{ repetitionPenalty: 0 }, 'repetition_penalty=0 is not allowed: expected a number above 0 and at most 100'],
      [{ noRepeatNgramSize: 99 }, 'no_repeat_ngram_size=99 is not allowed: expected an integer from 0 to 32'],
      [{ minNewTokens: 50, maxNewTokens: 10 }, 'min_new_tokens=50 is not allowed: expected an integer from 0 to 10'],
      [{ numBeams: 0 }, 'num_beams=0 is not allowed: expected an integer from 1 to 16'],
      [{ numBeams: 4, doSample: true }, 'num_beams=4 is not allowed: expected 1 when do_sample is true (beam sampling is not supported)'],
      [{ seed: -1 }, 'seed=-1 is not allowed: expected an integer from 0 to 4294967295'],
      [{ stop: [''] }, 'stop=[""] is not allowed: expected up to 8 non-empty strings of at most 200 characters'],
      [{ doSample: 'yes' }, 'do_sample=yes is not allowed: expected true or false'],
    ];
    for (const [options, message] of cases) {
      expect(() => resolveGenerationConfig(model.config.generation, options)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', message }));
    }
    const ok = resolveGenerationConfig(model.config.generation, { maxNewTokens: 1, seed: 5 });
    expect(ok).toMatchObject({ maxNewTokens: 1, seed: 5, doSample: false });
    expect(Object.isFrozen(ok)).toBe(true);
  });

  it('a prompt longer than the context window is refused with a user-facing message, and the engine keeps serving', async () => {
    const engine = await Engine.start(dir, { intraOpThreads: 1 });
    try {
      const err = await engine.generate('word '.repeat(2000)).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'PROMPT_TOO_LONG', userMessage: expect.stringMatching(/too long.*limit 512/) });
      const ok = await engine.generate('summarize: short', { maxNewTokens: 3 });
      expect(ok.tokenIds).toHaveLength(3);
    } finally {
      await engine.close();
    }
  });
});

describe('a decoder with a position table', () => {
  it('stops at its last position instead of failing when max_new_tokens asks for more', async () => {
    const engine = await Engine.start(await tinySeq2Seq(), { intraOpThreads: 1 });
    try {
      const positions = engine.info.maxInputTokens;
      const result = await engine.generate('summarize: the plan', { maxNewTokens: positions + 100 });
      expect(result.tokenIds).toHaveLength(positions - 1);
    } finally {
      await engine.close();
    }
  });
});
