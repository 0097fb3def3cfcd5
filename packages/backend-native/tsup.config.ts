import { defineConfig } from 'tsup';

// Two builds into one dist/:
//  - ESM: index + the thread entries (worker, supervisor) in ONE build with code splitting, so
//    inside a worker thread `worker.js` and a user module's `import '@threadkit/backend-native'`
//    share the same chunk (one backend instance per thread). The package spawns its threads with
//    `new URL('./worker.js', import.meta.url)`; chunks live in dist/ too, so that URL resolves to
//    dist/worker.js from any chunk.
//  - CJS: index only (dist/index.cjs). `shims: true` turns `import.meta.url` into the file URL of
//    dist/index.cjs, so the same `new URL('./worker.js', import.meta.url)` finds the ESM
//    dist/worker.js. Threads always run the ESM build.
// @threadkit/api is a dependency, hence external in both builds; so is the package's own name
// (a task module running in a thread may import it: it must load this same dist/index.js). `npm run build` empties dist/ first.
export default defineConfig([
  {
    entry: { index: 'src/index.ts', worker: 'src/worker.ts', supervisor: 'src/supervisor.ts' },
    format: ['esm'],
    target: 'node20',
    platform: 'node',
    external: ['@threadkit/backend-native'],
    splitting: true,
    dts: { entry: { index: 'src/index.ts' } },
  },
  {
    entry: { index: 'src/index.ts' },
    format: ['cjs'],
    target: 'node20',
    platform: 'node',
    external: ['@threadkit/backend-native'],
    shims: true,
    dts: { entry: { index: 'src/index.ts' } },
  },
]);
