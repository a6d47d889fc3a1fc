import { describe, expect, it } from 'vitest';
import { parseEntityLines } from '../src/entity-lines.js';

describe('parseEntityLines', () => {
  it('reads the bank line format', () => {
    expect(parseEntityLines('PERSON: Maya | ORG: Acme | PLACE: Berlin | DATE: Friday | AMOUNT: $300')).toEqual([
      { type: 'PERSON', text: 'Maya' },
      { type: 'ORG', text: 'Acme' },
      { type: 'PLACE', text: 'Berlin' },
      { type: 'DATE', text: 'Friday' },
      { type: 'AMOUNT', text: '$300' },
    ]);
  });

  it('reads NONE and empty output as nothing', () => {
    expect(parseEntityLines('NONE')).toEqual([]);
    expect(parseEntityLines('')).toEqual([]);
    expect(parseEntityLines('PERSON: none | ORG: -')).toEqual([]);
  });

  it('tolerates lines, bullets, case, synonyms, quotes and bold', () => {
    const output = 'Entities:\n- person: "Maya"\n- Organization: **Acme Corp**\n* LOC: Berlin.\nmoney = €12,500\nTime: May 3, 2026';
    expect(parseEntityLines(output)).toEqual([
      { type: 'PERSON', text: 'Maya' },
      { type: 'ORG', text: 'Acme Corp' },
      { type: 'PLACE', text: 'Berlin' },
      { type: 'AMOUNT', text: '€12,500' },
      { type: 'DATE', text: 'May 3, 2026' },
    ]);
  });

  it('splits several people in one label, and several labels in one segment', () => {
    expect(parseEntityLines('PERSON: Omar, Lena and Maya, ORG: Globex')).toEqual([
      { type: 'PERSON', text: 'Omar' },
      { type: 'PERSON', text: 'Lena' },
      { type: 'PERSON', text: 'Maya' },
      { type: 'ORG', text: 'Globex' },
    ]);
  });

  it('reports a repeat once and skips noise without a known label', () => {
    expect(parseEntityLines('PERSON: Maya | person: maya | EVENT: launch | Maya sent it | UPDATE: later | : x')).toEqual([
      { type: 'PERSON', text: 'Maya' },
    ]);
  });
});
