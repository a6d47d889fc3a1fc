import { Engine, EngineError } from '@parley/engine';
import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { validateGenerationOptions } from '../src/generation-options.js';
import { tinySeq2Seq } from './model-fixture.js';

async function copyModel(dir: string): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), 'parley-bad-model-'));
  await cp(dir, copy, { recursive: true });
  return copy;
}

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

  it('max_new_tokens outside 1..4096 is refused with the parameter, value and range', () => {
    for (const bad of [0, -3, 1.5, 5000]) {
      expect(() => validateGenerationOptions({ maxNewTokens: bad })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION', message: `max_new_tokens=${bad} is not allowed: expected an integer from 1 to 4096` }),
      );
    }
    expect(validateGenerationOptions({ maxNewTokens: 1 })).toEqual({ maxNewTokens: 1 });
    expect(Object.isFrozen(validateGenerationOptions())).toBe(true);
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
