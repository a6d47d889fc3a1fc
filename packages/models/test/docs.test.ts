import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { CATALOG_NAMES } from '../src/catalog.js';

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
  it('the README lists exactly the catalog names, and every `models -- pull <name>` it shows is one', async () => {
    const section = await modelsSection();
    const sentence = /Catalog names: (.+?)\.(?=\s)/s.exec(section)?.[1];
    expect(sentence).toBeDefined();
    // `-en-fr` after `opus-mt-en-de` is short for `opus-mt-en-fr`.
    const listed = [...sentence!.matchAll(/`([^`]+)`/g)].map((m) => (m[1]!.startsWith('-') ? `opus-mt${m[1]}` : m[1]!));
    expect([...listed].sort()).toEqual([...CATALOG_NAMES].sort());
    const readme = await read('README.md');
    const pulled = [...readme.matchAll(/models -- pull ([\w.-]+)(?=\s)/g)].map((m) => m[1]!);
    expect(pulled.length).toBeGreaterThan(0);
    for (const name of pulled) expect(CATALOG_NAMES, `README: pull ${name}`).toContain(name);
  });

  it("the folder .env.example and docker-compose.yml give the worker is a catalog name, so `pull <it>` makes it", async () => {
    const envName = /^MODEL_NAME=(\S+)$/m.exec(await read('.env.example'))?.[1];
    const composeName = /\$\{MODEL_NAME:-([^}]+)\}/.exec(await read('docker-compose.yml'))?.[1];
    expect(envName).toBeDefined();
    expect(CATALOG_NAMES).toContain(envName);
    expect(CATALOG_NAMES).toContain(composeName);
  });
});
