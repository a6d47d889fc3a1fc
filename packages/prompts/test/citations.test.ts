import { describe, expect, it } from 'vitest';
import { parseSummary } from '../src/citations.js';

const refs = new Map([1, 2, 3, 4, 5, 6].map((n) => [`m${n}`, `msg-${n}`]));

describe('parseSummary', () => {
  it('reads the three sections, bullets, citations and owners', () => {
    const output = [
      'Decisions:',
      '- Release moves to Friday [m2, m3]',
      'Action items:',
      '- Omar: update the changelog [m4]',
      '- Write the VPN section (owner: Tom) [m5]',
      '- @Lena to tell support [m6]',
      '- Check the sandbox logs [m1]',
      'Open questions:',
      '- Who warns the enterprise customers? [m3-m5]',
    ].join('\n');
    expect(parseSummary(output, refs)).toEqual({
      sections: [
        { title: 'Decisions', points: [{ text: 'Release moves to Friday', messageIds: ['msg-2', 'msg-3'] }] },
        {
          title: 'Action items',
          points: [
            { text: 'update the changelog', messageIds: ['msg-4'], owner: 'Omar' },
            { text: 'Write the VPN section', messageIds: ['msg-5'], owner: 'Tom' },
            { text: 'Lena to tell support', messageIds: ['msg-6'], owner: 'Lena' },
            { text: 'Check the sandbox logs', messageIds: ['msg-1'] },
          ],
        },
        { title: 'Open questions', points: [{ text: 'Who warns the enterprise customers?', messageIds: ['msg-3', 'msg-4', 'msg-5'] }] },
      ],
    });
  });

  it('accepts markdown headings, bold, numbered lists, and points on the heading line', () => {
    const output = ['## Decisions', '1. Use Porto [m2].', '**Action items**', '* **Jonas**: book it by Friday [m4]', 'Open questions: Which date? [m5]'].join('\n');
    expect(parseSummary(output, refs).sections).toEqual([
      { title: 'Decisions', points: [{ text: 'Use Porto.', messageIds: ['msg-2'] }] },
      { title: 'Action items', points: [{ text: 'book it by Friday', messageIds: ['msg-4'], owner: 'Jonas' }] },
      { title: 'Open questions', points: [{ text: 'Which date?', messageIds: ['msg-5'] }] },
    ]);
  });

  it('drops unknown labels, repeats and "None." points, but keeps the empty section', () => {
    const output = 'Decisions:\n- None.\nAction items:\n- Ship it [m2][m2, m99] [m7-m9]';
    expect(parseSummary(output, refs).sections).toEqual([
      { title: 'Decisions', points: [] },
      { title: 'Action items', points: [{ text: 'Ship it', messageIds: ['msg-2'] }] },
    ]);
  });

  it('makes unstructured output one Summary point without citations', () => {
    const output = 'the team agreed to move the release to friday.\nomar will update the changelog.';
    expect(parseSummary(output, refs)).toEqual({
      sections: [{ title: 'Summary', points: [{ text: 'the team agreed to move the release to friday. omar will update the changelog.', messageIds: [] }] }],
    });
  });

  it('puts text before the first heading into Summary', () => {
    const output = 'Here is the summary:\n\nDecisions:\n- Friday [m2]';
    expect(parseSummary(output, refs).sections.map((s) => s.title)).toEqual(['Summary', 'Decisions']);
  });

  it('merges a section the model repeats, and joins wrapped lines', () => {
    const output = 'Decisions:\n- A [m1]\nAction items:\n- Maya: draft the\n  release notes [m2]\nDecisions:\n- B [m3]';
    const parsed = parseSummary(output, refs);
    expect(parsed.sections.map((s) => [s.title, s.points.map((p) => p.text)])).toEqual([
      ['Decisions', ['A', 'B']],
      ['Action items', ['draft the release notes']],
    ]);
  });

  it('survives malformed output', () => {
    expect(parseSummary('', refs)).toEqual({ sections: [] });
    expect(parseSummary('\n\n   \n', refs)).toEqual({ sections: [] });
    expect(parseSummary('[m', refs).sections[0]?.points[0]).toEqual({ text: '[m', messageIds: [] });
    expect(parseSummary('Decisions:\nDecisions:\n-\n- [m2]', refs)).toEqual({ sections: [{ title: 'Decisions', points: [] }] });
    // A range a model got wildly wrong keeps only its ends.
    expect(parseSummary('- x [m1-m100000]', new Map([['m1', 'a'], ['m100000', 'b'], ['m2', 'c']]))).toEqual({
      sections: [{ title: 'Summary', points: [{ text: 'x', messageIds: ['a', 'b'] }] }],
    });
  });

  it('does not take a non-name label for an owner', () => {
    const parsed = parseSummary('Action items:\n- TBD: pick a date [m1]\n- Note: nobody owns this', refs);
    expect(parsed.sections[0]?.points).toEqual([
      { text: 'TBD: pick a date', messageIds: ['msg-1'] },
      { text: 'Note: nobody owns this', messageIds: [] },
    ]);
  });

  it('only looks for owners in action items', () => {
    expect(parseSummary('Decisions:\n- Maya: ships Friday [m1]', refs).sections[0]?.points).toEqual([
      { text: 'Maya: ships Friday', messageIds: ['msg-1'] },
    ]);
  });
});
