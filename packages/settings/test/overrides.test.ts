import { describe, expect, it } from 'vitest';
import { parseOverrides, PRESETS, SettingsError } from '../src/index.js';

function errorOf(text: string): SettingsError {
  try {
    parseOverrides(text);
  } catch (err) {
    expect(err).toBeInstanceOf(SettingsError);
    return err as SettingsError;
  }
  throw new Error(`expected "${text}" to be refused`);
}

const LINK = '<https://acme.slack.com/archives/C123/p1700000000000100?thread_ts=1700000000.000100&cid=C123>';

describe('parseOverrides', () => {
  it('reads leading settings and leaves the rest of the text untouched', () => {
    expect(parseOverrides(`temperature=0.3 top_p=0.9 greedy ${LINK}`)).toEqual({
      overrides: { temperature: 0.3, topP: 0.9, doSample: false },
      rest: LINK,
    });
    expect(parseOverrides('shots=2   what  was\n decided  about x=5? ')).toEqual({
      overrides: { shots: 2 },
      rest: 'what  was\n decided  about x=5? ',
    });
    expect(parseOverrides(LINK)).toEqual({ overrides: {}, rest: LINK });
    expect(parseOverrides('')).toEqual({ overrides: {}, rest: '' });
  });

  it('accepts snake_case and camelCase keys, numbers in any JSON-like form, and quoted values', () => {
    expect(parseOverrides('max_new_tokens=200').overrides).toEqual({ maxNewTokens: 200 });
    expect(parseOverrides('maxNewTokens=200 topK=40 topP=.9 repetitionPenalty=1.2e0 seed=42').overrides).toEqual({
      maxNewTokens: 200,
      topK: 40,
      topP: 0.9,
      repetitionPenalty: 1.2,
      seed: 42,
    });
    expect(parseOverrides('do_sample=true').overrides).toEqual({ doSample: true });
    expect(parseOverrides('do_sample=off').overrides).toEqual({ doSample: false });
    expect(parseOverrides('sample target_language="Brazilian Portuguese" hello')).toEqual({
      overrides: { doSample: true, targetLanguage: 'Brazilian Portuguese' },
      rest: 'hello',
    });
  });

  it('expands a preset, and explicit settings beat it whatever their order', () => {
    expect(parseOverrides('preset=creative').overrides).toEqual(PRESETS.creative);
    expect(parseOverrides('preset=Balanced').preset).toBe('balanced');
    expect(parseOverrides('temperature=0.5 preset=creative x').overrides).toEqual({ ...PRESETS.creative, temperature: 0.5 });
    expect(parseOverrides('preset=creative temperature=0.5 x').overrides).toEqual({ ...PRESETS.creative, temperature: 0.5 });
    expect(parseOverrides('preset=balanced greedy').overrides).toMatchObject({ doSample: false, temperature: 0.7 });
  });

  it('stops at "--", so text may start with a flag word', () => {
    expect(parseOverrides('seed=1 -- greedy algorithms?')).toEqual({ overrides: { seed: 1 }, rest: 'greedy algorithms?' });
    expect(parseOverrides('greedy algorithms?')).toEqual({ overrides: { doSample: false }, rest: 'algorithms?' });
  });

  it('suggests the closest key for an unknown one, naming the key and value', () => {
    const typo = errorOf('temprature=0.3 hi');
    expect(typo.code).toBe('UNKNOWN_SETTING');
    expect(typo.userMessage).toMatch(/^temprature is not a setting \(got temprature=0\.3\)\. Did you mean temperature\?/);
    expect(errorOf('toop_p=0.3').userMessage).toContain('Did you mean top_p?');
    expect(errorOf('max_tokns=9').userMessage).toContain('Did you mean max_new_tokens?');
    expect(errorOf('presett=creative').userMessage).toContain('Did you mean preset?');
    const far = errorOf('colour=blue');
    expect(far.userMessage).not.toContain('Did you mean');
    expect(far.userMessage).toContain('Settings: do_sample, temperature, top_k, top_p, max_new_tokens');
  });

  it.each([
    ['top_p=1.5', 'INVALID_VALUE', 'top_p', 'top_p must be a number above 0 and at most 1 (got 1.5)'],
    ['temperature=hot', 'INVALID_VALUE', 'temperature', 'temperature must be a number above 0 and at most 100 (got hot)'],
    ['temperature=0x10', 'INVALID_VALUE', 'temperature', '(got 0x10)'],
    ['top_k=2.5', 'INVALID_VALUE', 'top_k', 'top_k must be an integer from 0 to 100000 (got 2.5)'],
    ['max_new_tokens=0', 'INVALID_VALUE', 'max_new_tokens', 'max_new_tokens must be an integer from 1 to 4096 (got 0)'],
    ['seed=-3', 'INVALID_VALUE', 'seed', 'seed must be an integer from 0 to 4294967295 (got -3)'],
    ['shots=9', 'INVALID_VALUE', 'shots', 'shots must be an integer from 0 to 8 (got 9)'],
    ['do_sample=maybe', 'INVALID_VALUE', 'do_sample', 'do_sample must be true or false (got maybe)'],
    ['max_new_tokens= link', 'MISSING_VALUE', 'max_new_tokens', 'max_new_tokens needs a value: an integer from 1 to 4096'],
    ['preset=wild', 'UNKNOWN_PRESET', 'preset', 'preset must be one of precise, balanced, creative (got wild)'],
    ['preset=creatve', 'UNKNOWN_PRESET', 'preset', 'Did you mean creative?'],
    ['top_p=0.9 topP=0.8', 'DUPLICATE_SETTING', 'top_p', 'top_p is given twice (top_p=0.9 and topP=0.8)'],
    ['greedy do_sample=true', 'DUPLICATE_SETTING', 'do_sample', 'do_sample is given twice'],
    ['preset=precise preset=creative', 'DUPLICATE_SETTING', 'preset', 'preset is given twice'],
    ['target_language="Brazilian Portuguese', 'INVALID_VALUE', 'target_language', 'no closing one'],
  ])('refuses %s', (text, code, setting, message) => {
    const error = errorOf(text);
    expect(error.code).toBe(code);
    expect(error.setting).toBe(setting);
    expect(error.userMessage).toContain(message);
  });
});
