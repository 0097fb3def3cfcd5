// The browser suite's page script. `?in=page` runs the suite on the page's main thread, which
// may not block: the checks at the end prove that a sync form that may wait throws a clear error
// naming its async form. `?in=worker` runs it in a dedicated Web Worker (suite-worker.js), where
// the sync forms work. Results go to window.__threadkit.
// (The page imports the backend only when the suite runs here, so a worker run has one threadkit.)

const where = new URLSearchParams(location.search).get('in') ?? 'page';
const state = { done: false, where, outcomes: [], crossOriginIsolated: globalThis.crossOriginIsolated };
window.__threadkit = state;

if (where === 'worker') {
  const worker = new Worker('/__b/suite-worker.js', { type: 'module', name: 'threadkit-suite' });
  const reply = await new Promise((resolve, reject) => {
    worker.onmessage = ({ data }) => {
      if (data.started) console.log('suite worker started');
      else if (data.outcome) console.log(`${data.outcome.ok ? 'ok' : 'FAIL'} ${data.outcome.file}: ${data.outcome.name}${data.outcome.ok ? "" : ` — ${data.outcome.error}`}`);
      else resolve(data);
    };
    worker.onerror = (event) => reject(new Error(`suite worker failed: ${event.message}`));
  });
  state.outcomes = reply.outcomes;
  state.crossOriginIsolated = reply.crossOriginIsolated;
} else {
  const { Lock, Queue, RuntimeError } = await import('@threadkit/backend-wasm');
  const { runSuite } = await import('/__b/suite-runner.js');
  state.outcomes = await runSuite();
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
}
state.done = true;
