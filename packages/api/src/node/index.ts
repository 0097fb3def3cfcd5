/**
 * `@threadkit/api/node`: helpers for backends that host threads in Node's worker_threads.
 * Stateless, so this entry may be loaded next to the main one in any module format.
 */
export { workerExecArgv } from './exec-argv';
export { writeStderr, writeStdioDirectly } from './stdio';
