import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { protectSpans, restoreSpans, segments, splitSpans } from '../src/protect-spans.js';

const spansOf = (text: string) => splitSpans(text).filter((p) => p.kind === 'span').map((p) => p.text);

describe('protectSpans', () => {
  it.each([
    ['fenced code', 'Run this:\n```\nnpm ci && echo "hello"\n```\nthen wait.', ['```\nnpm ci && echo "hello"\n```']],
    ['inline code', 'Set `retries = 3` first', ['`retries = 3`']],
    ['bare URLs without trailing punctuation', 'See https://example.com/a?b=1. Or (http://x.org/wiki/Foo_(bar)).', ['https://example.com/a?b=1', 'http://x.org/wiki/Foo_(bar)']],
    ['Slack links', 'Read <https://example.com/doc|the doc> today', ['<https://example.com/doc|the doc>']],
    ['Slack mentions and channels', 'Ask <@U024BE7LH> in <#C123ABC|general>, <!here>', ['<@U024BE7LH>', '<#C123ABC|general>', '<!here>']],
    ['Discord mentions', 'Ask <@123>, <@!456> or <@&789> in <#42>', ['<@123>', '<@!456>', '<@&789>', '<#42>']],
    ['Discord custom emoji and timestamps', 'GG <:pog:123456> at <t:1700000000:R>', ['<:pog:123456>', '<t:1700000000:R>']],
    ['plain mentions', 'Thanks @maya.lee and @tom!', ['@maya.lee', '@tom']],
    ['e-mail addresses', 'Write to ops@example.com now', ['ops@example.com']],
    ['shortcodes', 'Nice :tada: :+1: :skin-tone-2: at 10:30:45', [':tada:', ':+1:', ':skin-tone-2:']],
    ['Unicode emoji, ZWJ sequences, flags, keycaps', 'Go 👍🏽 team 👩‍👩‍👧‍👦 🇩🇪 1️⃣ 🏴󠁧󠁢󠁳󠁣󠁴󠁿!', ['👍🏽', '👩‍👩‍👧‍👦', '🇩🇪', '1️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿']],
    ['text that looks like a placeholder', 'Use {0} and ｛ 1 ｝ literally', ['{0}', '｛ 1 ｝']],
  ])('protects %s', (_what, text, spans) => {
    expect(spansOf(text)).toEqual(spans);
    const p = protectSpans(text);
    expect(p.spans).toEqual(spans);
    expect(p.restore(p.text)).toBe(text);
  });

  it('replaces spans with short ASCII placeholders', () => {
    const p = protectSpans('Hi @maya, see `x` :tada:');
    expect(p.text).toBe('Hi {0}, see {1} {2}');
    expect(p.text).toMatch(/^[\x20-\x7e]*$/);
  });

  it('merges spans that touch into one placeholder', () => {
    expect(protectSpans(':tada::tada:🎉').text).toBe('{0}');
  });

  it('leaves the translatable segments', () => {
    expect(segments('Hi @maya, see `x` please')).toEqual(['Hi ', ', see ', ' please']);
    expect(segments('plain text')).toEqual(['plain text']);
  });

  it('restores moved placeholders, changed spacing and full-width braces', () => {
    const p = protectSpans('Ask @maya about `deploy.sh` today');
    expect(p.text).toBe('Ask {0} about {1} today');
    expect(p.restore('Frag heute { 1 } bei {0 }')).toBe('Frag heute `deploy.sh` bei @maya');
    expect(p.restore('今天问｛0｝关于｛ 1 ｝')).toBe('今天问@maya关于`deploy.sh`');
  });

  it('appends a span whose placeholder the model dropped, and restores a duplicate once', () => {
    const p = protectSpans('Ask @maya about `deploy.sh`');
    expect(p.restore('Frag {0}.')).toBe('Frag @maya. `deploy.sh`');
    expect(p.restore('')).toBe('@maya `deploy.sh`');
    expect(p.restore('{0} {0} {1}')).toBe('@maya  `deploy.sh`');
  });

  it('leaves placeholders it did not make alone', () => {
    expect(restoreSpans('{7} and {0}', ['X'])).toBe('{7} and X');
  });

  const piece = fc.constantFrom(
    'hello', ' ', '\n', '.', '{', '}', '0', '12', '｛', '｝', '@', 'maya', ':', 'tada', '`', '```', 'https://', 'x.com/', '<', '>', '|', '#', '!',
    '👍', '🏽', '\u200D', '🇩', '🇪', '1', '\uFE0F', '\u20E3', 'é', '(', ')', 'mail@ex.org',
  );
  const texty = fc.oneof(fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' }), fc.array(piece, { maxLength: 40 }).map((a) => a.join('')));

  it('restore(protect(x).text) is x (property)', () => {
    fc.assert(
      fc.property(texty, (text) => {
        const p = protectSpans(text);
        expect(p.restore(p.text)).toBe(text);
        expect(splitSpans(text).map((s) => s.text).join('')).toBe(text);
      }),
      { numRuns: 3000 },
    );
  });

  it('puts every span back unchanged when placeholders are shuffled (property)', () => {
    const word = fc.constantFrom('Hallo', 'Welt', 'und', 'bitte', '.', ',');
    fc.assert(
      fc.property(texty, fc.array(word, { maxLength: 10 }), fc.integer(), (text, words, seed) => {
        const p = protectSpans(text);
        // A "translation": the placeholders in a shuffled order, among new words, spaced at random.
        const order = p.spans.map((_, i) => i).sort((a, b) => ((a * 7919 + seed) % 13) - ((b * 7919 + seed) % 13) || a - b);
        const tokens: string[] = [...words];
        order.forEach((i, k) => tokens.splice(k % (tokens.length + 1), 0, k % 2 ? `{${i}}` : `{ ${i} }`));
        const translated = tokens.join(seed % 2 ? ' ' : '');
        const expected = tokens.map((t) => (/^\{/.test(t) ? p.spans[Number(t.replace(/\D/g, ''))]! : t)).join(seed % 2 ? ' ' : '');
        expect(p.restore(translated)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});
