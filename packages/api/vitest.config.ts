import { defineConfig } from 'vitest/config';

// Unit tests of this package (test/**/*.test.ts), and type tests (test/**/*.test-d.ts: checked by
// tsc in vitest's typecheck mode, never run). Test files run in child processes (the library
// spawns worker_threads and parks threads with Atomics.wait), one file at a time: the machine has
// two cores and some tests measure waits.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    typecheck: { enabled: true, include: ['test/**/*.test-d.ts'], tsconfig: './tsconfig.json' },
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Under CI, also a JSON report in the current directory, which .ci/run totals.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
});
