// The browser suite inside a dedicated Web Worker, which may block: threadkit's main thread is
// this worker (the backend starts here, as on a page), so the sync forms run for real.
import { runSuite } from '/__b/suite-runner.js';

postMessage({ started: true });
const outcomes = await runSuite((outcome) => postMessage({ outcome }));
postMessage({ outcomes, crossOriginIsolated: globalThis.crossOriginIsolated });
