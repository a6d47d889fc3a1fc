import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CATALOG_NAMES, type CatalogName } from '../src/catalog.js';

const root = new URL('../../../', import.meta.url);
const read = (file: string) => readFile(new URL(file, root), 'utf8');

/** The README's `## Models` section. */
async function modelsSection(): Promise<string> {
  const readme = await read('README.md');
  const start = readme.indexOf('\n## Models\n');
  expect(start).toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

describe('the short names the docs give', () => {
  it('the README lists exactly the catalog names', async () => {
    const sentence = /Catalog names: (.+?)\.(?=\s)/s.exec(await modelsSection())?.[1];
    expect(sentence).toBeDefined();
    // `-en-fr` after `opus-mt-en-de` is short for `opus-mt-en-fr`.
    const listed = [...sentence!.matchAll(/`([^`]+)`/g)].map((m) => (m[1]!.startsWith('-') ? `opus-mt${m[1]}` : m[1]!));
    expect([...listed].sort()).toEqual([...CATALOG_NAMES].sort());
  });

  it('every `models -- pull <name>` in README.md, .env.example and docker-compose.yml, and a MODEL_NAME default, is a catalog name', async () => {
    const named: string[] = [];
    for (const file of ['README.md', '.env.example', 'docker-compose.yml']) {
      const text = await read(file);
      for (const m of text.matchAll(/models -- pull ([\w.-]+)(?=[\s`])/g)) if (!m[1]!.includes('/')) named.push(`${file}: ${m[1]}`);
      for (const m of text.matchAll(/^MODEL_NAME=(\S+)$|\$\{MODEL_NAME:-([^}]+)\}/gm)) named.push(`${file}: ${m[1] ?? m[2]}`);
    }
    expect(named.filter((n) => n.startsWith('README.md: ')).length).toBeGreaterThan(0);
    expect(named.filter((n) => !CATALOG_NAMES.includes(n.slice(n.indexOf(': ') + 2) as CatalogName))).toEqual([]);
  });
});
