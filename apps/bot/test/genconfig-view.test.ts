import { PRESET_NAMES, SETTING_RANGES } from '@parley/settings';
import { describe, expect, it } from 'vitest';
import { viewProblems } from '../../../test/helpers/fake-slack-views.js';
import { FORM_FIELDS, GENCONFIG_CALLBACK_ID, INHERIT } from '../src/slack/genconfig/genconfig-fields.js';
import { genconfigForm } from '../src/slack/genconfig/genconfig-view.js';

type Block = { type: string; block_id?: string; hint?: { text: string }; element?: Record<string, unknown>; elements?: { text: string }[] };

const target = { team: 'T1', channel: 'C1' };
const last = { at: '2026-03-01T10:00:00.000Z', actor: 'U0BOSS', field: 'temperature', old: null, new: 0.4, via: 'form' };

describe('the /genconfig form', () => {
  const view = genconfigForm({
    target,
    channel: { doSample: true, temperature: 0.4, shots: 1, seed: 0, targetLanguage: 'French' },
    inherited: { topP: 0.9, maxNewTokens: 64 },
    last,
  });
  const blocks = view.blocks as Block[];
  const inputs = blocks.filter((b) => b.type === 'input');
  const input = (id: string) => inputs.find((b) => b.block_id === id)!.element!;

  it('is a valid modal by Slack limits, carrying its channel and team privately', () => {
    expect(viewProblems(view)).toEqual([]);
    expect(view.callback_id).toBe(GENCONFIG_CALLBACK_ID);
    expect(JSON.parse(view.private_metadata!)).toEqual(target);
  });

  it('has one optional input per setting, plus a preset, each with a one-line hint', () => {
    expect(inputs.map((b) => b.block_id)).toEqual(['decoding', 'temperature', 'top_k', 'top_p', 'max_new_tokens', 'repetition_penalty', 'seed', 'shots', 'preset']);
    expect(inputs).toHaveLength(FORM_FIELDS.length + 1);
    for (const b of inputs) {
      expect(b.hint?.text.length).toBeGreaterThan(20);
      expect(b.hint?.text).not.toContain('\n');
    }
    expect(input('temperature')).toMatchObject({ type: 'number_input', is_decimal_allowed: true });
    expect(input('top_k')).toMatchObject({ type: 'number_input', is_decimal_allowed: false });
    // Bounds come from the settings contract; an exclusive minimum ("above 0") is left to the submission check.
    expect(input('max_new_tokens')).toMatchObject({ min_value: String(SETTING_RANGES.maxNewTokens.min), max_value: String(SETTING_RANGES.maxNewTokens.max) });
    expect(input('temperature')).toMatchObject({ max_value: String(SETTING_RANGES.temperature.max) });
    expect(input('temperature')).not.toHaveProperty('min_value');
    expect(inputs.find((b) => b.block_id === 'top_p')!.hint!.text).toContain('1 turns this off');
    expect((input('preset')['options'] as { value: string }[]).map((o) => o.value)).toEqual([...PRESET_NAMES]);
  });

  it("starts from the channel's own values; unset ones are empty or on Inherit, with the inherited value shown", () => {
    expect(input('temperature')['initial_value']).toBe('0.4');
    expect(input('seed')['initial_value']).toBe('0');
    expect(input('decoding')['initial_option']).toMatchObject({ value: 'sample' });
    expect(input('shots')['initial_option']).toMatchObject({ value: '1', text: { text: 'One-shot: 1 example' } });
    expect(input('top_p')).not.toHaveProperty('initial_value');
    expect(input('top_p')['placeholder']).toMatchObject({ text: 'Empty: inherit 0.9' });
    expect(input('max_new_tokens')['placeholder']).toMatchObject({ text: 'Empty: inherit 64' });
    expect(input('top_k')['placeholder']).toMatchObject({ text: 'Empty: inherit the model default' });
    expect(input('preset')).not.toHaveProperty('initial_option');
    const empty = genconfigForm({ target, channel: {}, inherited: { doSample: false }, last: undefined });
    const decoding = (empty.blocks as Block[]).find((b) => b.block_id === 'decoding')!.element!;
    expect(decoding['initial_option']).toMatchObject({ value: INHERIT, text: { text: 'Inherit (Greedy)' } });
  });

  it('says who changed the settings last, and when', () => {
    const context = blocks.find((b) => b.type === 'context')!;
    expect(context.elements![0]!.text).toBe(`Last changed by <@U0BOSS> <!date^${Date.parse(last.at) / 1000}^{date_short_pretty} at {time}|${last.at}>.`);
    const fresh = genconfigForm({ target, channel: {}, inherited: {}, last: undefined });
    expect(JSON.stringify(fresh.blocks)).toContain('No settings of its own yet');
  });
});
