import { defineConfig } from 'tsup';

// Two builds into one dist/:
//  - ESM: the index, the executor's I/O thread (client-thread) and the worker CLI, in one build
//    with code splitting, so the I/O thread and the index share one copy of each module. The
//    executor starts its I/O thread with `new URL('./client-thread.js', import.meta.url)`.
//  - CJS: the index only; `shims: true` turns `import.meta.url` into dist/index.cjs's URL, so the
//    same URL finds the ESM dist/client-thread.js (threads always run the ESM build).
// Dependencies (@threadkit/*, bullmq, ioredis) stay external. `npm run build` empties dist/ first.
export default defineConfig([
  {
    entry: { index: 'src/index.ts', 'client-thread': 'src/client-thread.ts', cli: 'src/worker/cli.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    splitting: true,
    dts: { entry: { index: 'src/index.ts' } },
  },
  {
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    target: 'node20',
    platform: 'node',
    shims: true,
    dts: { entry: { index: 'src/index.ts' } },
  },
]);
