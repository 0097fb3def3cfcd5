/**
 * `@threadkit/backend-workers`: the complete threadkit API on worker_threads +
 * SharedArrayBuffer/Atomics. Importing it installs the backend (once per process) and
 * re-exports everything from `@threadkit/api`.
 */
import { Worker } from 'node:worker_threads';
import { hasBackend, initMainThread, installBackend } from '@threadkit/api';
import { WorkersBackend } from './backend';
import { workerExecArgv } from '@threadkit/api/node';

export * from '@threadkit/api';
export { WorkersBackend } from './backend';

function startMain(): void {
  const buffer = WorkersBackend.createHeap();
  let supervisor: Worker | undefined;
  const startSupervisor = (): void => {
    if (supervisor !== undefined) return;
    supervisor = new Worker(new URL('./supervisor.js', import.meta.url), { workerData: { heap: buffer }, execArgv: workerExecArgv() });
    supervisor.unref();
  };
  const backend = new WorkersBackend(buffer, true, process.pid, startSupervisor);
  installBackend(backend);
  initMainThread(process.pid);
  // Boot the supervisor and one warm worker in the background, so the first start() is fast.
  backend.spawnQueue.prewarm(1);
  startSupervisor();
}

if (!hasBackend()) startMain();
