// The browser suite's page script: installs the backend, then loads each conformance suite
// file (bundled by run.mjs) and runs its tests; results go to window.__threadkit. A test that
// tried to block the page's main thread (the api or the backend refused a sync wait) is marked `blocked`.
import { Lock, Queue, RuntimeError, WasmBackend } from '@threadkit/backend-wasm';
import { beginFile, runAll } from 'vitest';

const state = { done: false, outcomes: [], crossOriginIsolated: globalThis.crossOriginIsolated };
window.__threadkit = state;
let refusals = 0;
// Every sync form refused on the page's main thread (the api's guard names the …Async form).
globalThis[Symbol.for('threadkit.onRefusedBlock')] = () => refusals++;
for (const method of ['park', 'lockAcquire']) {
  const original = WasmBackend.prototype[method];
  WasmBackend.prototype[method] = function (...args) {
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
  state.outcomes.push({ ...outcome, blocked: refusals > seen });
  seen = refusals;
};
const files = await (await fetch('/__b/files.json')).json();
for (const name of files) {
  beginFile(name);
  try {
    await import(`/packages/conformance/src/__browser/${name}.js`);
  } catch (error) {
    state.outcomes.push({ file: name, name: '(load)', ok: false, error: String(error) });
    continue;
  }
  await runAll(10_000, record);
}
// The page's own check: a sync form that may wait throws a clear error naming its async form.
for (const [name, call, asyncForm] of [
  ['Lock.acquire()', () => new Lock().acquire(), 'acquireAsync()'],
  ['Queue.get()', () => new Queue().get(), 'getAsync()'],
]) {
  let error;
  try {
    call();
  } catch (e) {
    error = e;
  }
  const ok = error instanceof RuntimeError && error.message.includes(asyncForm);
  state.outcomes.push({ file: 'main-thread', name: `${name} on the main thread names ${asyncForm}`, ok, error: ok ? undefined : String(error) });
}
state.done = true;
