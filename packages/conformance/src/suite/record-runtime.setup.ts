/**
 * Setup file of the suite (vitest `setupFiles`): runs in the process of each test file and, when
 * THREADKIT_CONFORMANCE_RUNTIME_LOG names a file, appends a line `<runtime> <version> <pid>` to it.
 * The CLI reads the lines back, so its header says which runtime the test files themselves ran
 * in (Bun, Deno or Node) — not only the CLI's own.
 */
import { appendFileSync } from 'node:fs';
import { currentRuntime } from '../runtime';

const log = process.env.THREADKIT_CONFORMANCE_RUNTIME_LOG;
if (log) {
  const { name, version } = currentRuntime();
  appendFileSync(log, `${name} ${version} ${process.pid}\n`);
}
