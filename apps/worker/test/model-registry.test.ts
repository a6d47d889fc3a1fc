import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ModelRegistry, NoModelError } from '../src/model-registry.js';

async function registryFile(content: unknown): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'parley-reg-'));
  const path = join(dir, 'models.json');
  await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('model registry', () => {
  it('maps tasks and language pairs to models, most specific pair first, with paths relative to the file', async () => {
    const path = await registryFile({
      models: { flan: { path: 'flan-t5-small' }, opus: { path: '/models/opus-mt-en-de' }, ner: { path: 'ner' } },
      tasks: { summarize: 'flan', entities: 'ner', translate: { 'en-de': 'opus', '*': 'flan' } },
    });
    const r = ModelRegistry.fromFile(path);
    expect(r.modelFor('summarize')).toMatchObject({ name: 'flan', path: join(path, '..', 'flan-t5-small') });
    expect(r.modelFor('translate', { source: 'en', target: 'de', targetName: 'German' }).name).toBe('opus');
    expect(r.modelFor('translate', { source: 'en', target: 'fr', targetName: 'French' }).name).toBe('flan');
    expect(() => r.modelFor('ask')).toThrow(NoModelError);
  });

  it('without a wildcard, an unserved pair names the language', async () => {
    const r = ModelRegistry.fromFile(await registryFile({ models: { opus: { path: '/m' } }, tasks: { translate: { 'en-de': 'opus' } } }));
    expect(() => r.modelFor('translate', { source: 'en', target: 'ja', targetName: 'Japanese' })).toThrow(
      expect.objectContaining({ userMessage: 'No model is set up for translation into Japanese. Ask an admin to add one.' }),
    );
  });

  it('refuses a file that is not JSON, a bad shape, or a task naming an unknown model, naming the problem', async () => {
    expect(() => ModelRegistry.fromFile(join(tmpdir(), 'no-such-registry.json'))).toThrow(/no-such-registry.json does not exist: `npm run models -- pull flan-t5-small` \(or `npm run models -- import <folder or .tar>`\) writes it/);
    const broken = await registryFile('{ not json');
    expect(() => ModelRegistry.fromFile(broken)).toThrow(/cannot be read as JSON/);
    await expect(registryFile({ models: { a: {} }, tasks: {} }).then(ModelRegistry.fromFile)).rejects.toThrow(/models\.a\.path/);
    await expect(registryFile({ models: { a: { path: '/a' } }, tasks: { summarize: 'b' } }).then(ModelRegistry.fromFile)).rejects.toThrow(
      'task refers to unknown model "b"',
    );
  });
});
