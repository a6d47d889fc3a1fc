import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'apps/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    setupFiles: ['test/helpers/loopback-guard.cjs'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: files that spawn processes or run models should not pile up.
    maxWorkers: 2,
  },
});
