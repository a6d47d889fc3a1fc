import { describe, expect, it } from 'vitest';
import { describeSettings, layerSettings, parseSettings, PRESET_NAMES, presetNamed, PRESETS, SettingsError } from '../src/index.js';

describe('layerSettings', () => {
  const model = { maxNewTokens: 128, temperature: 1, topK: 50, doSample: false, repetitionPenalty: 1.1 };
  const workspace = { temperature: 0.9, maxNewTokens: 256, shots: 1 };
  const channel = { temperature: 0.8, shots: 2, doSample: true };
  const command = { temperature: 0.3 };

  it('lets a command override beat the channel, the channel the workspace, the workspace the model', () => {
    expect(layerSettings({ model, workspace, channel, command })).toEqual({
      maxNewTokens: 256, // workspace over model
      temperature: 0.3, // command over all
      topK: 50, // model only
      doSample: true, // channel over model
      repetitionPenalty: 1.1,
      shots: 2, // channel over workspace
    });
    expect(layerSettings({ model, workspace, channel }).temperature).toBe(0.8);
    expect(layerSettings({ model, workspace }).temperature).toBe(0.9);
    expect(layerSettings({ model }).temperature).toBe(1);
  });

  it('lets an unset or undefined field show the layer below through, and freezes the result', () => {
    const effective = layerSettings({ model, channel: { temperature: undefined }, command: {} });
    expect(effective.temperature).toBe(1);
    expect(Object.isFrozen(effective)).toBe(true);
    expect(layerSettings({})).toEqual({});
  });
});

describe('presets', () => {
  it('are precise (greedy), balanced and creative, each a valid settings object', () => {
    expect(PRESETS.precise).toEqual({ doSample: false });
    expect(PRESETS.balanced).toEqual({ doSample: true, temperature: 0.7, topP: 0.9, topK: 50 });
    expect(PRESETS.creative).toEqual({ doSample: true, temperature: 1.1, topP: 0.95, topK: 0 });
    for (const name of PRESET_NAMES) expect(parseSettings(PRESETS[name])).toEqual(PRESETS[name]);
    expect(Object.isFrozen(PRESETS.balanced)).toBe(true);
  });

  it('are found by name in any case, with a suggestion for a typo', () => {
    expect(presetNamed('CREATIVE')).toBe('creative');
    expect(() => presetNamed('balance')).toThrow(SettingsError);
    expect(() => presetNamed('balance')).toThrow(/Did you mean balanced\?/);
  });

  it('sit under a channel setting when applied as a layer', () => {
    expect(layerSettings({ workspace: PRESETS.creative, channel: { temperature: 0.2 } })).toEqual({ ...PRESETS.creative, temperature: 0.2 });
  });
});

describe('describeSettings', () => {
  it('summarizes sampling settings in one line', () => {
    expect(describeSettings({ doSample: true, temperature: 0.7, topP: 0.9, topK: 50, maxNewTokens: 128, shots: 2, seed: 42 })).toBe(
      'sampling, temperature 0.7, top-p 0.9, top-k 50, max 128 tokens, 2-shot, seed 42',
    );
  });

  it('leaves sampling knobs and the seed out when greedy, and greedy is the default', () => {
    expect(describeSettings({ doSample: false, temperature: 0.7, topK: 50, seed: 42, maxNewTokens: 128 })).toBe('greedy, max 128 tokens');
    expect(describeSettings({ maxNewTokens: 128 })).toBe('greedy, max 128 tokens');
    expect(describeSettings({})).toBe('greedy');
  });

  it('says "off" for top-k 0 and top-p 1, and shows penalty, shots and language', () => {
    expect(describeSettings({ ...PRESETS.creative, topP: 1 })).toBe('sampling, temperature 1.1, top-p off, top-k off');
    expect(describeSettings({ doSample: false, repetitionPenalty: 1.2, maxNewTokens: 1, shots: 0, targetLanguage: 'de' })).toBe(
      'greedy, repetition penalty 1.2, max 1 token, 0-shot, into de',
    );
  });
});
