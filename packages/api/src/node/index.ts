/**
 * `@threadkit/api/node`: the host kit for backends that host threads in Node's worker_threads
 * (the main thread's start, the supervisor and warm-worker entries) and its stateless helpers.
 * Backend authors only: it imports `node:worker_threads`, so it stays out of the main entry.
 */
export { startMain, runSupervisor, runWorker, type NodeHost, type HostThread } from './host';
export { workerExecArgv } from './exec-argv';
export { writeStderr, writeStdioDirectly } from './stdio';
export { AtomicsNodeBackend } from './atomics-backend';
