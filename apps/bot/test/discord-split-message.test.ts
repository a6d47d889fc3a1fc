import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitMessage } from '../src/discord/split-message.js';

const fences = (s: string) => (s.match(/^```/gm) ?? []).length;

describe('splitMessage (Discord 2,000 characters)', () => {
  it('leaves a short reply alone', () => {
    expect(splitMessage('hello')).toEqual(['hello']);
  });

  it('splits between paragraphs, not inside one', () => {
    const paragraph = (i: number) => `${i} ${'word '.repeat(150).trim()}`;
    const text = Array.from({ length: 6 }, (_, i) => paragraph(i)).join('\n\n');
    const parts = splitMessage(text);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(2000);
      expect(p.split('\n\n').every((para) => /^\d word/.test(para))).toBe(true);
    }
  });

  it('never cuts a code block that fits, and keeps its blank lines', () => {
    const code = ['```py', 'def f():', '', '    return 1', '```'].join('\n');
    const text = `${'a'.repeat(1990)}\n\n${code}\n\n${'b'.repeat(100)}`;
    const parts = splitMessage(text);
    expect(parts).toEqual(['a'.repeat(1990), `${code}\n\n${'b'.repeat(100)}`]);
  });

  it('cuts a code block longer than a message into complete fenced blocks with the same language', () => {
    const code = ['```ts', ...Array.from({ length: 200 }, (_, i) => `let x${i} = ${i};`), '```'].join('\n');
    const parts = splitMessage(code);
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) {
      expect(p.length).toBeLessThanOrEqual(2000);
      expect(p.startsWith('```ts\n')).toBe(true);
      expect(p.endsWith('\n```')).toBe(true);
    }
  });

  it('property: every part fits, fences balance, and no text is lost', () => {
    const line = fc.oneof(fc.string({ maxLength: 120 }).map((s) => s.replace(/`/g, "'")), fc.constant(''), fc.constant('```js'), fc.constant('```'));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 120 }), (lines) => {
        const text = lines.join('\n');
        const parts = splitMessage(text, 300);
        for (const p of parts) {
          expect(p.length).toBeLessThanOrEqual(300);
          if (parts.length > 1) expect(fences(p) % 2).toBe(0);
        }
        const words = (s: string) => s.replace(/```\w*/g, ' ').split(/\s+/).filter(Boolean).join(' ');
        if (parts.length > 1) expect(words(parts.join('\n'))).toBe(words(text).replace(/```\w*/g, ''));
      }),
      { numRuns: 200 },
    );
  });
});
