import { isCodedError, ParleyError } from '@parley/errors';
import { describe, expect, it } from 'vitest';
import { familyFor, parseLanguage, PromptError, TemplateError } from '../src/index.js';

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected a throw');
}

describe('prompt errors have the coded shape', () => {
  it('PromptError is permanent by default, keeps its name, and serialises with `permanent`', () => {
    const err = thrown(() => parseLanguage('Klingonese-ish'));
    expect(err).toBeInstanceOf(PromptError);
    expect(err).toBeInstanceOf(ParleyError);
    const e = err as PromptError;
    expect(isCodedError(e)).toBe(true);
    expect([e.name, e.code, e.permanent]).toEqual(['PromptError', 'UNKNOWN_LANGUAGE', true]);
    const json = JSON.parse(JSON.stringify(e));
    expect(json).toEqual({ name: 'PromptError', code: 'UNKNOWN_LANGUAGE', message: e.message, userMessage: e.userMessage, permanent: true });
    const back = PromptError.fromJSON(json);
    expect(back).toMatchObject({ name: 'PromptError', code: e.code, message: e.message, userMessage: e.userMessage, permanent: true });
  });

  it('carries a non-permanent flag through JSON when one is set', () => {
    const e = new PromptError('INVALID_OPTION', 'counter failed', 'Something went wrong.', { permanent: false, cause: new Error('x') });
    expect(PromptError.fromJSON(e.toJSON()).permanent).toBe(false);
    expect(e.cause).toBeInstanceOf(Error);
  });

  it('TemplateError is a permanent coded error with its own name', () => {
    const e = thrown(() => familyFor({ modelType: 'gpt2', hasChatTemplate: false })) as TemplateError;
    expect(e).toBeInstanceOf(TemplateError);
    expect(isCodedError(e)).toBe(true);
    expect([e.name, e.permanent]).toEqual(['TemplateError', true]);
    expect(e.userMessage).not.toBe(e.message);
  });
});
