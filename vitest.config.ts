import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // DuckDB work is CPU-bound and the CI machine has 2 cores.
    pool: 'forks',
    maxWorkers: 2,
    env: { TZ: 'UTC' },
  },
});
