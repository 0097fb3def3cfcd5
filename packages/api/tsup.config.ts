import { defineConfig } from 'tsup';

// Two entries — the api (index) and the stateless Node host helpers (node) — published as ESM (dist/index.js) and CJS (dist/index.cjs), each with its own
// declarations (index.d.ts / index.d.cts). Dependencies (acorn, acorn-globals) stay external.
export default defineConfig({
  entry: { index: 'src/index.ts', node: 'src/node/index.ts' },
  format: ['esm', 'cjs'],
  target: 'es2022',
  platform: 'node',
  dts: true,
  sourcemap: false,
  splitting: false,
});
