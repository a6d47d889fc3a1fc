import { isCodedError, ParleyError } from '@parley/errors';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { ConfigError, exitOnStartupFailure, parseEnv } from '../src/index.js';

describe('ConfigError', () => {
  it('is a permanent coded error whose user message is its message', () => {
    const err = new ConfigError('MODEL_DIR is not set');
    expect(err).toBeInstanceOf(ParleyError);
    expect(isCodedError(err)).toBe(true);
    expect(err).toMatchObject({ name: 'ConfigError', code: 'CONFIG_INVALID', message: 'MODEL_DIR is not set', userMessage: 'MODEL_DIR is not set', permanent: true });
  });

  it('is what parseEnv throws, one sentence per problem', () => {
    const schema = z.object({ PORT: z.coerce.number().int(), NAME: z.string().describe('name the thing') });
    expect(() => parseEnv(schema, { PORT: 'x' })).toThrow(new ConfigError('PORT is invalid (Invalid input: expected number, received NaN). NAME is not set; name the thing'));
  });
});

describe('exitOnStartupFailure', () => {
  afterEach(() => vi.restoreAllMocks());

  const lineFor = (err: unknown): string => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    vi.spyOn(process, 'exit').mockImplementation(((code?: number) => {
      throw new Error(`exit ${code}`);
    }) as typeof process.exit);
    expect(() => exitOnStartupFailure('app', err)).toThrow('exit 1');
    return String(write.mock.calls.at(-1)?.[0]);
  };

  it('shows a code, but not for a ConfigError, whose message names the setting', () => {
    expect(lineFor(new ConfigError('REDIS_URL is invalid'))).toBe('app: cannot start: REDIS_URL is invalid\n');
    expect(lineFor(new ParleyError('MODEL_NOT_FOUND', 'no model', { permanent: true, message: 'model folder /m does not exist' }))).toBe(
      'app: cannot start [MODEL_NOT_FOUND]: model folder /m does not exist\n',
    );
    expect(lineFor('plain')).toBe('app: cannot start: plain\n');
  });
});
