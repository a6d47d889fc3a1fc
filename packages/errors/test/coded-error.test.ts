import { describe, expect, it } from 'vitest';
import { asCodedError, isCodedError, ParleyError, type CodedError } from '../src/index.js';

describe('coded errors', () => {
  it('is recognised by its fields, also as plain data that crossed a thread or Redis', () => {
    const err = new ParleyError('RATE_LIMITED', 'Try again in 5 s.', { permanent: false });
    expect(isCodedError(err)).toBe(true);
    expect(isCodedError(JSON.parse(JSON.stringify(err)))).toBe(true);
    expect(JSON.parse(JSON.stringify(err))).toEqual({ name: 'ParleyError', code: 'RATE_LIMITED', message: 'RATE_LIMITED: Try again in 5 s.', userMessage: 'Try again in 5 s.', permanent: false });
  });

  it('is not fooled by errors that only look half like one', () => {
    expect(isCodedError(new Error('boom'))).toBe(false);
    expect(isCodedError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isCodedError({ code: 'X', userMessage: 'y' })).toBe(false);
    expect(isCodedError(null)).toBe(false);
    expect(isCodedError('CODE')).toBe(false);
  });

  it('keeps the log message and the cause apart from what the user sees', () => {
    const cause = new Error('socket hang up');
    const err = new ParleyError('QUEUE_UNAVAILABLE', "Parley can't take requests right now.", { permanent: false, message: 'redis down', cause });
    expect(err.message).toBe('redis down');
    expect(err.cause).toBe(cause);
    expect(err.userMessage).toBe("Parley can't take requests right now.");
  });

  it('asCodedError falls back for anything else', () => {
    const fallback: CodedError = { code: 'INTERNAL', userMessage: 'Something went wrong.', permanent: false };
    expect(asCodedError(new TypeError('x is undefined'), fallback)).toBe(fallback);
    const coded = new ParleyError('NO_MODEL', 'No model.', { permanent: true });
    expect(asCodedError(coded, fallback)).toBe(coded);
  });
});
