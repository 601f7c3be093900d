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
    // The generated test data carries (made-up) e-mail addresses, which ingestion pseudonymises
    // with SEGTRACK_PII_KEY: tests get a fixed test key (test/integration/privacy-pii.test.ts
    // removes it to check the refusal).
    env: { TZ: 'UTC', SEGTRACK_PII_KEY: 'segtrack-tests-only-not-a-secret' },
  },
});
