import { defineConfig } from 'tsup';

// - dist/run.{js,cjs} (+ .d.ts/.d.cts): the programmatic runner, the package's main export.
// - dist/cli.js: the `threadkit-conformance` bin, ESM only; its `#!/usr/bin/env node` line is kept
//   and the file made executable by tsup.
// The suite itself is not bundled: src/suite/*.test.ts ships as source and runs under vitest with
// the package's vitest.config.ts.
export default defineConfig([
  {
    entry: { run: 'src/run.ts' },
    format: ['esm', 'cjs'],
    target: 'node20',
    platform: 'node',
    shims: true,
    dts: true,
  },
  {
    entry: { cli: 'src/cli.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    dts: false,
  },
]);
