import { defineConfig } from 'vitest/config';

// The distributed executor's suite: real redis-server and threadkit-worker processes, one test
// file at a time in a child process (the machine has two cores).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
});
