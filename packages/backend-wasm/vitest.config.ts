import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vitest/config';

/** Loads `.wasm` imports as their bytes, as tsup's binary loader does in the build. */
const wasmBytes: Plugin = {
  name: 'threadkit-wasm-bytes',
  enforce: 'pre',
  load(id) {
    if (!id.endsWith('.wasm')) return null;
    return `export default Uint8Array.from(atob(${JSON.stringify(readFileSync(id).toString('base64'))}), (c) => c.charCodeAt(0));`;
  },
};

// Unit tests of this package (test/**/*.test.ts), in child processes, one file at a time: they
// instantiate the wasm module over shared Memory, park threads and measure waits. They need
// build/threadkit.wasm (`npm run build:wasm`, part of `npm run build`).
export default defineConfig({
  plugins: [wasmBytes],
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Under CI, also a JSON report in the current directory, which .ci/run totals.
    reporters: process.env.CI ? ['default', ['json', { outputFile: 'test-results.json' }]] : ['default'],
  },
});
