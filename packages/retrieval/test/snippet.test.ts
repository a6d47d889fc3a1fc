import { describe, expect, it } from 'vitest';
import { makeSnippet, MessageIndex, SNIPPET_MAX_LENGTH } from '../src/index.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const filler = (word: string, n: number) => Array.from({ length: n }, () => word).join(' ');

describe('makeSnippet', () => {
  it('keeps a short text whole, whitespace folded', () => {
    expect(makeSnippet('  the canary\n\nfailed  ', ['canary'])).toBe('the canary failed');
  });

  it('cuts a long text around the matching words, within the bound', () => {
    const text = `${filler('lorem', 60)} the canary deploy failed at noon ${filler('ipsum', 60)}`;
    const snippet = makeSnippet(text, ['canary', 'deploy']);
    expect(snippet.length).toBeLessThanOrEqual(SNIPPET_MAX_LENGTH);
    expect(snippet).toContain('the canary deploy failed at noon');
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
  });

  it('prefers the window with the most distinct matching terms', () => {
    const text = `canary ${filler('lorem', 60)} canary and deploy together ${filler('ipsum', 60)}`;
    expect(makeSnippet(text, ['canary', 'deploy'])).toContain('canary and deploy together');
  });

  it('starts at the beginning when nothing matches', () => {
    const snippet = makeSnippet(filler('lorem', 100), ['absent']);
    expect(snippet.startsWith('lorem')).toBe(true);
    expect(snippet.length).toBeLessThanOrEqual(SNIPPET_MAX_LENGTH);
  });

  it('never cuts a surrogate pair, wherever the cut falls', () => {
    for (let shift = 0; shift < 8; shift++) {
      // No spaces, so the cut cannot move to a word boundary: it lands between code units.
      const text = `${'x'.repeat(shift)}${'😀'.repeat(60)}canary${'🎉'.repeat(80)}`;
      const snippet = makeSnippet(text, ['canary']);
      expect(snippet.length).toBeLessThanOrEqual(SNIPPET_MAX_LENGTH);
      expect(LONE_SURROGATE.test(snippet), `shift ${shift}: ${snippet}`).toBe(false);
    }
  });

  it('is what a search hit carries', () => {
    const index = new MessageIndex();
    index.add([{ id: '1', channelId: 'C1', author: 'Lena', ts: '1.0', text: `${filler('lorem', 60)} the pager escalated ${filler('ipsum', 60)}` }]);
    const [hit] = index.search('pager', { channelIds: ['C1'], limit: 1 });
    expect(hit!.snippet).toContain('pager escalated');
    expect(hit!.snippet.length).toBeLessThanOrEqual(SNIPPET_MAX_LENGTH);
  });
});
