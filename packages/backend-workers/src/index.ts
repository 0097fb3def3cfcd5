/**
 * `@threadkit/backend-workers`: the complete threadkit API on worker_threads +
 * SharedArrayBuffer/Atomics. Importing it installs the backend (once per process) and
 * re-exports the user API of `@threadkit/api`.
 */
import { startMain } from '@threadkit/api/node';
import { host } from './host';

export * from '@threadkit/api';

startMain(host);
