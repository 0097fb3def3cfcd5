// The browser suite's runner, shared by the page (page.js) and the Web Worker (suite-worker.js):
// loads each conformance suite file (bundled by run.mjs) and runs its tests. A test that tried to
// block a thread that may not block (the api or the backend refused a sync wait) is marked
// `blocked`: on the page's main thread that is every sync form that may wait.
import '@threadkit/backend-wasm';
import { backend } from '@threadkit/api/spi';
import { beginFile, runAll } from 'vitest';

/** Runs every suite file; returns the outcomes (`onOutcome` sees each as it comes). */
export async function runSuite(onOutcome = () => {}) {
  const outcomes = [];
  let refusals = 0;
  // Every sync form refused (the api's guard names the …Async form).
  globalThis[Symbol.for('threadkit.onRefusedBlock')] = () => refusals++;
  // …and every one the backend itself refused (this realm's installed backend, wrapped in place).
  const installed = backend();
  for (const method of ['park', 'lockAcquire']) {
    const original = installed[method];
    installed[method] = function (...args) {
      try {
        return original.apply(this, args);
      } catch (error) {
        if (/cannot block/.test(error?.message)) refusals++;
        throw error;
      }
    };
  }
  let seen = 0;
  const record = (outcome) => {
    outcomes.push({ ...outcome, blocked: refusals > seen });
    onOutcome(outcomes.at(-1));
    seen = refusals;
  };
  const files = await (await fetch('/__b/files.json')).json();
  for (const name of files) {
    beginFile(name);
    try {
      await import(`/packages/conformance/src/__browser/${name}.js`);
    } catch (error) {
      outcomes.push({ file: name, name: '(load)', ok: false, error: String(error) });
      continue;
    }
    await runAll(10_000, record);
  }
  return outcomes;
}
