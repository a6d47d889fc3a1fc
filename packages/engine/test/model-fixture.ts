import { ensureTinySeq2Seq } from '@parley/tiny-models';
import { fileURLToPath } from 'node:url';

export const MODEL_CACHE = fileURLToPath(new URL('../../../.cache/models', import.meta.url));

export function tinySeq2Seq(): Promise<string> {
  return ensureTinySeq2Seq({ cacheDir: MODEL_CACHE });
}
