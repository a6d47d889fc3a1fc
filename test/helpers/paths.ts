import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const MODEL_CACHE = `${REPO_ROOT}.cache/models`;
export const LOOPBACK_GUARD = fileURLToPath(new URL('./loopback-guard.cjs', import.meta.url));
export const appMain = (app: 'bot' | 'worker' | 'demo') => `${REPO_ROOT}apps/${app}/dist/main.js`;
