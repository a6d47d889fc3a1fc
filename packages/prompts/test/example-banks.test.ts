import { describe, expect, it } from 'vitest';
import { parseSummary } from '../src/citations.js';
import { parseEntityLines } from '../src/entity-lines.js';
import { ASK_BANK, NOT_IN_THREAD } from '../src/examples/ask.js';
import { ENTITIES_BANK } from '../src/examples/entities.js';
import { SUMMARIZE_BANK } from '../src/examples/summarize.js';
import { TRANSLATE_BANK } from '../src/examples/translate.js';

const banks = [SUMMARIZE_BANK, TRANSLATE_BANK, ENTITIES_BANK, ASK_BANK];

describe('example banks', () => {
  it.each(banks.map((b) => [b.task, b] as const))('%s: 3 to 5 examples with unique ids and a version', (_task, bank) => {
    expect(bank.examples.length).toBeGreaterThanOrEqual(3);
    expect(bank.examples.length).toBeLessThanOrEqual(5);
    expect(new Set(bank.examples.map((e) => e.id)).size).toBe(bank.examples.length);
    expect(Number.isInteger(bank.version)).toBe(true);
  });

  it('summaries are in the format parseSummary reads, with every point cited', () => {
    for (const example of SUMMARIZE_BANK.examples) {
      const labels = [...example.input.conversation.matchAll(/^\[(m\d+)\]/gm)].map((m) => m[1]!);
      const refs = new Map(labels.map((l) => [l, `id-${l}`]));
      const parsed = parseSummary(example.output, refs);
      expect(parsed.sections.map((s) => s.title)).toEqual(['Decisions', 'Action items', 'Open questions']);
      for (const point of parsed.sections.flatMap((s) => s.points)) expect(point.messageIds.length).toBeGreaterThan(0);
    }
  });

  it('entity answers parse back completely', () => {
    for (const example of ENTITIES_BANK.examples) {
      const pairs = example.output === 'NONE' ? 0 : example.output.split(' | ').length;
      expect(parseEntityLines(example.output)).toHaveLength(pairs);
    }
  });

  it('translations keep every placeholder', () => {
    for (const example of TRANSLATE_BANK.examples) {
      const placeholders = (s: string) => [...s.matchAll(/⟦\d+⟧/g)].map((m) => m[0]).sort();
      expect(placeholders(example.output)).toEqual(placeholders(example.input.text));
    }
  });

  it('ask has an example whose answer is that the thread does not say', () => {
    expect(ASK_BANK.examples.some((e) => e.output === NOT_IN_THREAD)).toBe(true);
  });
});
