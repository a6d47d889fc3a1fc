import { describe, expect, it } from 'vitest';
import type { ExampleBank } from '../src/examples/bank.js';
import { renderWithShots, selectShots } from '../src/shots.js';
import { TemplateError } from '../src/template-error.js';

const bank: ExampleBank<string> = {
  task: 'test',
  version: 1,
  examples: ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, input: `input ${id}`, output: `output ${id}` })),
};

const ids = (examples: readonly { id: string }[]) => examples.map((e) => e.id);
const size = (examples: readonly { input: string; output: string }[]) => examples.reduce((n, e) => n + e.input.length + e.output.length, 0);

describe('selectShots', () => {
  it('takes the first examples in bank order, never more than asked', async () => {
    expect(ids(await selectShots(bank, 3, () => true))).toEqual(['a', 'b', 'c']);
    expect(ids(await selectShots(bank, 1, () => true))).toEqual(['a']);
    expect(ids(await selectShots(bank, 0, () => true))).toEqual([]);
  });

  it('gives the whole bank when more shots are asked than it holds', async () => {
    expect(ids(await selectShots(bank, 9, () => true))).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('drops whole examples from the end until the budget fits', async () => {
    const seen: number[] = [];
    const chosen = await selectShots(bank, 4, (examples) => {
      seen.push(examples.length);
      return size(examples) <= 32; // two examples are 30 characters, three are 45
    });
    expect(ids(chosen)).toEqual(['a', 'b']);
    expect(seen).toEqual([4, 3, 2]);
    // Only whole examples, exactly as they are in the bank.
    expect(chosen).toEqual(bank.examples.slice(0, 2));
  });

  it('accepts an async check', async () => {
    expect(ids(await selectShots(bank, 3, async (examples) => examples.length <= 1))).toEqual(['a']);
  });

  it('returns no examples when none fit, without asking about zero', async () => {
    const seen: number[] = [];
    const chosen = await selectShots(bank, 3, (examples) => {
      seen.push(examples.length);
      return false;
    });
    expect(chosen).toEqual([]);
    expect(seen).toEqual([3, 2, 1]);
  });

  it.each([-1, 1.5, Number.NaN])('refuses the shot count %s', async (shots) => {
    await expect(selectShots(bank, shots, () => true)).rejects.toThrow(TemplateError);
  });
});

describe('renderWithShots', () => {
  it('judges the rendered prompt and records the examples it kept', async () => {
    const render = (examples: readonly { id: string; output: string }[]) => ({
      text: [...examples.map((e) => e.output), 'query'].join('\n'),
      template: 'test/t5@1',
      examples: ids(examples),
    });
    const prompt = await renderWithShots(bank, 3, render, (p) => p.text.length <= 'output a\noutput b\nquery'.length);
    expect(prompt).toEqual({ text: 'output a\noutput b\nquery', template: 'test/t5@1', examples: ['a', 'b'] });
  });
});
