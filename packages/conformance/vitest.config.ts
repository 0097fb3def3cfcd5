import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Runs the conformance suite (src/suite/**\/*.test.ts) against one backend, chosen by the
 * THREADKIT_BACKEND environment variable (default `workers`):
 *  - a bare word (`workers`, `wasm`, `native`) means the package `@threadkit/backend-<word>`;
 *  - any other package name (`@scope/pkg`, `some-backend`) is used as is;
 *  - a path (`./x`, `../x`, `/abs/x`, `file:…`) is a module file, resolved against the current
 *    directory.
 * Suite files import the backend as `#backend`; this config aliases that specifier to the chosen
 * backend. (The package.json "imports" entry `#backend` → @threadkit/backend-workers is what the
 * type checker and editors see.)
 */
function backendSpecifier(choice: string): string {
  if (choice.startsWith('file:')) return fileURLToPath(choice);
  if (choice.startsWith('.') || isAbsolute(choice)) return resolve(process.cwd(), choice);
  if (/^[a-z][a-z0-9]*$/.test(choice) && !choice.includes('-')) return `@threadkit/backend-${choice}`;
  return choice;
}

const root = fileURLToPath(new URL('.', import.meta.url));
const backend = backendSpecifier(process.env.THREADKIT_BACKEND || 'workers');

export default defineConfig({
  root,
  resolve: {
    alias: [{ find: /^#backend$/, replacement: backend }],
  },
  test: {
    include: ['src/suite/**/*.test.ts'],
    // Records the runtime each test file runs in, for the CLI's header (see the file).
    setupFiles: ['src/suite/record-runtime.setup.ts'],
    // Child processes, one test file at a time: the backends spawn threads and park with
    // Atomics.wait, and timing tests need the two cores of a CI machine to themselves.
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Built backends are loaded by Node itself, exactly as an application would load them, so
    // their worker entries resolve from dist/ and there is one copy of each module per thread.
    server: { deps: { external: [/\/dist\//, /@threadkit\//], inline: [/\/conformance\/src\//] } },
    // Under CI, also a JSON report per backend (relative to `root`: packages/conformance), which .ci/run totals.
    reporters: process.env.CI
      ? ['default', ['json', { outputFile: `test-results-conformance-${(process.env.THREADKIT_BACKEND || 'workers').replace(/[^\w.-]+/g, '_')}.json` }]]
      : ['default'],
  },
});
