import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { pull } from '../src/pull.js';
import { FakeHub } from './fake-hub.js';
import { FAST_RETRY, hubPerTest, RecordedProgress, settingsFor, type TempDir } from './helpers.js';

const REPO = 'test-org/tiny-t5';
const DECODER = 'onnx/decoder_model_merged.onnx';

describe('models pull when a transfer breaks off', () => {
  const per = hubPerTest(REPO);
  let hub: FakeHub;
  let dir: TempDir;
  let files: Record<string, Buffer>;
  beforeEach(() => {
    ({ hub, dir, files } = per);
  });

  it('resumes with a Range request from where the connection dropped, and completes', async () => {
    const cut = 100_000;
    expect(files[DECODER]!.length).toBeGreaterThan(cut);
    hub.dropOnceAfter(REPO, DECODER, cut);
    const progress = new RecordedProgress();
    const result = await pull(settingsFor(hub, dir.path), { model: REPO, dtype: 'fp32', revision: 'main' }, progress, FAST_RETRY);

    const requests = hub.fileRequests(DECODER);
    expect(requests.map((r) => r.range)).toEqual([undefined, `bytes=${cut}-`]);
    expect(progress.retries).toEqual([{ path: DECODER, reason: expect.stringContaining(DECODER), resumeAt: cut }]);
    const got = await readFile(join(result.folder, DECODER));
    expect(createHash('sha256').update(got).digest('hex')).toBe(createHash('sha256').update(files[DECODER]!).digest('hex'));
    expect(existsSync(join(result.folder, `${DECODER}.part`))).toBe(false);
  });

  it('resumes a .part file an earlier run left behind', async () => {
    const folder = join(dir.path, 'test-org--tiny-t5');
    await mkdir(join(folder, 'onnx'), { recursive: true });
    const half = Math.floor(files[DECODER]!.length / 2);
    await writeFile(join(folder, `${DECODER}.part`), files[DECODER]!.subarray(0, half));

    const progress = new RecordedProgress();
    const result = await pull(settingsFor(hub, dir.path), { model: REPO, dtype: 'fp32', revision: 'main' }, progress, FAST_RETRY);

    expect(progress.planned.find((f) => f.path === DECODER)).toEqual({ path: DECODER, size: files[DECODER]!.length, have: half });
    expect(hub.fileRequests(DECODER).map((r) => r.range)).toEqual([`bytes=${half}-`]);
    expect(result.fetchedBytes).toBe(result.totalBytes - half);
    expect((await readFile(join(folder, DECODER))).equals(files[DECODER]!)).toBe(true);
  });

  it('gives up after its tries with a message that says a re-run resumes', async () => {
    hub.dropOnceAfter(REPO, DECODER, 1000);
    const err = await pull(settingsFor(hub, dir.path), { model: REPO, dtype: 'fp32', revision: 'main' }, new RecordedProgress(), { attempts: 1, retryDelayMs: 1 }).catch(
      (e: unknown) => e,
    );
    expect(err).toMatchObject({ code: 'DOWNLOAD_FAILED' });
    expect((err as Error).message).toMatch(new RegExp(`^${DECODER} from ${REPO} stopped at 1000 of \\d+ bytes after 1 try \\(the transfer of ${DECODER} broke off at 1000 bytes\\); run pull again to resume\\.$`));
    expect(existsSync(join(dir.path, 'test-org--tiny-t5', `${DECODER}.part`))).toBe(true);
  });
});
