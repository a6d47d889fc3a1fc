import { isCodedError, ParleyError } from '@parley/errors';
import { SETTING_RANGES } from '@parley/settings';
import { describe, expect, it } from 'vitest';
import { HubUnreachableError, IntegrityError, modelRegistrySchema, ModelsError, NotFoundError, UnknownModelError } from '../src/index.js';

describe('the MODEL_REGISTRY schema', () => {
  it('keeps fields it does not know, at every level', () => {
    const registry = {
      comment: 'hand-written',
      models: { flan: { path: 'flan', dtype: 'q8', note: 'fast', defaults: { maxNewTokens: 200, later: true } } },
      tasks: { summarize: 'flan', translate: { '*': 'flan' }, future: 'flan' },
    };
    expect(modelRegistrySchema.parse(registry)).toEqual(registry);
  });

  it("checks a model's default length against the settings contract's range", () => {
    const withLength = (maxNewTokens: unknown) => ({ models: { m: { path: '/m', defaults: { maxNewTokens } } }, tasks: {} });
    const { min, max } = SETTING_RANGES.maxNewTokens;
    expect(modelRegistrySchema.safeParse(withLength(max)).success).toBe(true);
    expect(modelRegistrySchema.safeParse(withLength(min)).success).toBe(true);
    const over = modelRegistrySchema.safeParse(withLength(max + 1));
    expect(over.success).toBe(false);
    expect(over.error!.issues[0]).toMatchObject({ path: ['models', 'm', 'defaults', 'maxNewTokens'], message: `max_new_tokens must be an integer from ${min} to ${max} (got ${max + 1})` });
    expect(modelRegistrySchema.safeParse(withLength(min - 1)).success).toBe(false);
    expect(modelRegistrySchema.safeParse({ models: { m: { path: '/m', dtype: 'int4' } }, tasks: {} }).success).toBe(false);
  });
});

describe('ModelsError', () => {
  it('has the coded shape: its message is its user message, and a retry that may help is not permanent', () => {
    const errors = [
      new ModelsError('HUB_UNREACHABLE', 'Cannot reach the hub.'),
      new ModelsError('DOWNLOAD_FAILED', 'stopped; run pull again to resume.'),
      new IntegrityError('o/r', 'a.onnx', 'size'),
      new NotFoundError('o/r', null, 'main'),
      new UnknownModelError('nope', ['flan-t5-base']),
      new ModelsError('BAD_FILE', 'not a registry'),
      new HubUnreachableError('https://huggingface.co', 'ENOTFOUND'),
    ];
    for (const e of errors) {
      expect(e).toBeInstanceOf(ParleyError);
      expect(isCodedError(e)).toBe(true);
      expect(e.userMessage).toBe(e.message);
      expect(e.name).toBe('ModelsError');
    }
    expect(errors.map((e) => [e.code, e.permanent])).toEqual([
      ['HUB_UNREACHABLE', false],
      ['DOWNLOAD_FAILED', false],
      ['INTEGRITY', false],
      ['NOT_FOUND', true],
      ['UNKNOWN_MODEL', true],
      ['BAD_FILE', true],
      ['HUB_UNREACHABLE', false],
    ]);
    expect(new ModelsError('HUB_UNREACHABLE', 'x', { cause: 'why' }).cause).toBe('why');
  });
});
