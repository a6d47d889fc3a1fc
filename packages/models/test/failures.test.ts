import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { CATALOG_NAMES } from '../src/catalog.js';
import { pull } from '../src/pull.js';
import { FakeHub } from './fake-hub.js';
import { FAST_RETRY, hubPerTest, RecordedProgress, settingsFor, type TempDir } from './helpers.js';

const REPO = 'test-org/tiny-t5';
const ENCODER = 'onnx/encoder_model.onnx';

describe('models pull failures', () => {
  const per = hubPerTest(REPO);
  let hub: FakeHub;
  let dir: TempDir;
  let files: Record<string, Buffer>;
  beforeEach(() => {
    ({ hub, dir, files } = per);
  });
  const pullTiny = (model = REPO) => pull(settingsFor(hub, dir.path), { model, dtype: 'fp32', revision: 'main' }, new RecordedProgress(), FAST_RETRY).catch((e: unknown) => e);

  it('refuses a file whose sha256 differs from the listing, naming it, and removes the partial file', async () => {
    const tampered = Buffer.from(files[ENCODER]!);
    tampered[tampered.length - 1] = tampered.at(-1)! ^ 0xff;
    hub.serveInstead(REPO, ENCODER, tampered);
    const err = await pullTiny();
    expect(err).toMatchObject({ code: 'INTEGRITY', file: ENCODER });
    expect((err as Error).message).toMatch(new RegExp(`^${ENCODER} from ${REPO} is corrupt \\(sha256 [0-9a-f]{64}, expected [0-9a-f]{64}\\); the partial file was removed, run pull again\\.$`));
    const folder = join(dir.path, 'test-org--tiny-t5');
    expect(existsSync(join(folder, `${ENCODER}.part`))).toBe(false);
    expect(existsSync(join(folder, ENCODER))).toBe(false);
    expect(existsSync(join(dir.path, 'registry.json'))).toBe(false);
  });

  it('checks files kept in git against their git blob id', async () => {
    hub.serveInstead(REPO, 'config.json', Buffer.from(files['config.json']!.toString().replace('"t5"', '"t6"')));
    const err = await pullTiny();
    expect(err).toMatchObject({ code: 'INTEGRITY', file: 'config.json' });
    expect((err as Error).message).toContain('git blob id');
  });

  it('names the repo and the file the hub answers 404 for', async () => {
    hub.answer404(REPO, 'tokenizer.json');
    const err = await pullTiny();
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: `tokenizer.json was not found in ${REPO} (revision main).` });
  });

  it('names a repo the hub does not have', async () => {
    const err = await pullTiny('test-org/no-such-model');
    expect(err).toMatchObject({ code: 'NOT_FOUND' });
    expect((err as Error).message).toBe('test-org/no-such-model (revision main) was not found on the hub: check the name, or set HF_TOKEN for a private or gated repo.');
  });

  it('lists the known names for an unknown short name', async () => {
    const err = await pullTiny('flan-t5-huge');
    expect(err).toMatchObject({ code: 'UNKNOWN_MODEL' });
    expect((err as Error).message).toBe(`Unknown model "flan-t5-huge". Known names: ${CATALOG_NAMES.join(', ')}. Or give a Hugging Face repo as owner/name.`);
    expect(CATALOG_NAMES).toContain('flan-t5-base');
    expect(hub.requests).toEqual([]);
  });

  it('says when a repo is not an ONNX export', async () => {
    hub.addRepo('test-org/pytorch-only', { 'config.json': files['config.json']!, 'model.safetensors': Buffer.alloc(10) });
    const err = await pullTiny('test-org/pytorch-only');
    expect(err).toMatchObject({ code: 'NO_EXPORT', message: 'test-org/pytorch-only is not a Hugging Face ONNX export: it has no tokenizer.json, tokenizer_config.json.' });
  });

  it('stops before downloading when the registry file is broken', async () => {
    await mkdir(dir.path, { recursive: true });
    await writeFile(join(dir.path, 'registry.json'), '{"models": {"x": {}}, "tasks": {}}');
    const err = await pullTiny();
    expect(err).toMatchObject({ code: 'BAD_FILE' });
    expect((err as Error).message).toContain('models.x.path');
    expect(hub.requests).toEqual([]);
  });

  it('reports an unreachable hub in one line that says what to do without it', async () => {
    const url = hub.url;
    await hub.close();
    const err = await pull(settingsFor({ url } as FakeHub, dir.path), { model: REPO, dtype: 'fp32', revision: 'main' }, new RecordedProgress(), FAST_RETRY).catch((e: unknown) => e);
    expect(err).toMatchObject({
      code: 'HUB_UNREACHABLE',
      message: `Cannot reach the hub at ${url} (ECONNREFUSED). Set HF_ENDPOINT to a mirror, or copy an export in by hand and run: npm run models -- import <folder or .tar>`,
    });
    hub = await FakeHub.start();
  });

  it('a hub that drops out mid-download ends in the resume advice, without the no-hub advice', async () => {
    // The listing answers; the hub goes away before the first file is asked for.
    let closing: Promise<void> | undefined;
    const progress = new (class extends RecordedProgress {
      override plan(...args: Parameters<RecordedProgress['plan']>): void {
        super.plan(...args);
        closing = hub.close();
      }
    })();
    const err = await pull(settingsFor(hub, dir.path), { model: REPO, dtype: 'fp32', revision: 'main' }, progress, { attempts: 2, retryDelayMs: 1 }).catch((e: unknown) => e);
    await closing;
    expect(err).toMatchObject({ code: 'DOWNLOAD_FAILED' });
    expect((err as Error).message).toMatch(new RegExp(`^config\\.json from ${REPO} stopped at 0 of \\d+ bytes after 2 tries \\(Cannot reach the hub at ${hub.url.replace(/\./g, '\\.')} \\(ECONNREFUSED\\)\\); run pull again to resume\\.$`));
    hub = await FakeHub.start();
  });
});
