/**
 * `@threadkit/backend-wasm` on Node: the complete threadkit API with its primitives running as
 * WebAssembly over one shared `WebAssembly.Memory`, threads on worker_threads. Importing it
 * installs the backend (once per process) and re-exports the user API of `@threadkit/api`.
 */
import { startMain } from '@threadkit/api/node';
import { host } from './host';

export * from '@threadkit/api';

startMain(host);
