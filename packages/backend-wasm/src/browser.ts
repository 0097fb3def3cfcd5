/**
 * `@threadkit/backend-wasm` in a browser: the complete threadkit API with its primitives running
 * as WebAssembly over one shared `WebAssembly.Memory`, threads on module Web Workers. Needs a
 * cross-origin-isolated page (`Cross-Origin-Opener-Policy: same-origin`,
 * `Cross-Origin-Embedder-Policy: require-corp`) for shared memory. The page's main thread may
 * not block: there, use the `…Async` forms (`joinAsync`, `acquireAsync`, `getAsync`,
 * `resultAsync`…); the sync forms throw an error naming them. Inside threads both work.
 */
import { hasBackend, heapCapBytes, startMainThread } from '@threadkit/api/spi';
import { WasmBackend } from './backend';
// Browsers have no synchronous require: load the thread-target checker up front (Node loads it on first use).
import '@threadkit/api/source-check';
import { consoleStderr, type SupervisorInit } from './browser-messages';
import { createMemory } from './heap';
import { wasmModule } from './instance';

export * from '@threadkit/api';

async function startPage(): Promise<void> {
  if (!globalThis.crossOriginIsolated) {
    throw new Error(
      'threadkit: shared memory needs a cross-origin-isolated page: serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp',
    );
  }
  const cap = heapCapBytes();
  const memory = createMemory(cap);
  const module = wasmModule();
  const canBlock = typeof (globalThis as { document?: unknown }).document === 'undefined';
  const backend = new WasmBackend(memory, { isMain: true, canBlock, nativeId: 1, writeStderr: consoleStderr, module });
  backend.wasm.formatHeap(cap);
  startMainThread(backend);
  const supervisor = new Worker(new URL('./browser-supervisor.js', import.meta.url), { type: 'module', name: 'threadkit-supervisor' });
  supervisor.postMessage({ memory, module } satisfies SupervisorInit);
  if (canBlock) {
    // A Web Worker as the main thread: a browser starts a nested worker (the supervisor) only
    // while its parent's event loop runs, so wait until it is up before the first blocking call
    // (from then on the supervisor, which never blocks, starts every other worker).
    await new Promise((resolve) => supervisor.addEventListener('message', resolve, { once: true }));
  }
}

if (!hasBackend()) await startPage();
