import { defineConfig } from 'tsup';

// `npm run build` first compiles assembly/ to build/threadkit.wasm (asc), then:
//  - ESM: index + the Node thread entries (worker, supervisor) in ONE build with code splitting,
//    so inside a worker `worker.js` and a user module's `import '@threadkit/backend-wasm'` share
//    one chunk (one backend instance per thread). Threads start from
//    `new URL('./worker.js', import.meta.url)`, which resolves to dist/ from any chunk.
//  - CJS: index only; `shims: true` makes that same URL find the ESM dist/worker.js.
//  - Browser ESM (the "browser" export condition): browser + its Web Worker entries
//    (browser-worker, browser-supervisor), started with `new URL('./…js', import.meta.url)`,
//    the pattern bundlers recognise.
// The .wasm bytes are inlined by esbuild's binary loader: no file path to resolve in workers or
// bundlers. @threadkit/api is a dependency, hence external; so is the package's own name.
const common = {
  target: 'node20',
  platform: 'node',
  external: ['@threadkit/backend-wasm'],
  loader: { '.wasm': 'binary' },
} as const;

export default defineConfig([
  {
    ...common,
    entry: { index: 'src/index.ts', worker: 'src/worker.ts', supervisor: 'src/supervisor.ts' },
    format: ['esm'],
    splitting: true,
    dts: { entry: { index: 'src/index.ts' } },
  },
  {
    ...common,
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    shims: true,
    dts: { entry: { index: 'src/index.ts' } },
  },
  {
    ...common,
    entry: { browser: 'src/browser.ts', 'browser-worker': 'src/browser-worker.ts', 'browser-supervisor': 'src/browser-supervisor.ts' },
    format: ['esm'],
    target: 'es2022',
    platform: 'browser',
    splitting: true,
    dts: { entry: { browser: 'src/browser.ts' } },
  },
]);
