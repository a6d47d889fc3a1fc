import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's root: found from here, so these helpers also work compiled into .build/ for the benches. */
function findRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package-lock.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error(`no repository root above ${from}`);
    dir = up;
  }
  return `${dir}/`;
}

export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));
export const MODEL_CACHE = `${REPO_ROOT}.cache/models`;
export const LOOPBACK_GUARD = `${REPO_ROOT}test/helpers/loopback-guard.cjs`;
export const appMain = (app: 'bot' | 'worker' | 'demo') => `${REPO_ROOT}apps/${app}/dist/main.js`;
