import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    // Native code and real files: one fork per file keeps a crash in one suite from taking others down.
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
