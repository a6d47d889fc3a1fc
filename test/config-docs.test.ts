import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { docComments, renderConfigDocs, rows, withConfigDocs } from '../scripts/config-docs.js';
import { REPO_ROOT } from './helpers/paths.js';

describe('README configuration tables (npm run docs:config)', () => {
  it('are exactly what the script renders from the schemas; run `npm run docs:config` if this fails', () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    expect(readme).toBe(withConfigDocs(readme, renderConfigDocs(REPO_ROOT)));
  });

  it('give every variable a meaning', () => {
    const undocumented = renderConfigDocs(REPO_ROOT)
      .split('\n')
      .filter((line) => /^\| `[A-Z_]+` \| [^|]+ \|\s*\|$/.test(line));
    expect(undocumented).toEqual([]);
  });

  it('render defaults, optional and required fields, enums and text from doc comments or .describe()', () => {
    const schema = z.object({
      A: z.coerce.number().default(5),
      B: z.string().optional().describe('fix hint for B'),
      C: z.string().describe('needed | always'),
      D: z.enum(['x', 'y']).default('x').transform((v) => v === 'x'),
    });
    const source = ['const schema = z.object({', '  /** Doc of A, with an @mention in it. */', '  A: 1,', '  /**', '   * Doc of D,', '   * two lines.', '   */', '  D: 2,', '});'].join('\n');
    expect(docComments(source)).toEqual(new Map([['A', 'Doc of A, with an @mention in it.'], ['D', 'Doc of D, two lines.']]));
    expect(rows(schema, source)).toEqual([
      { name: 'A', default: '`5`', meaning: 'Doc of A, with an @mention in it.' },
      { name: 'B', default: '–', meaning: 'fix hint for B' },
      { name: 'C', default: 'required', meaning: 'needed | always' },
      { name: 'D', default: '`x`', meaning: 'Doc of D, two lines. One of `x`, `y`.' },
    ]);
  });

  it('a README whose table differs is detected', () => {
    const readme = readFileSync(`${REPO_ROOT}README.md`, 'utf8');
    const stale = readme.replace('| `PORT` | `3000` |', '| `PORT` | `8080` |');
    expect(stale).not.toBe(readme);
    expect(withConfigDocs(stale, renderConfigDocs(REPO_ROOT))).toBe(readme);
  });
});
