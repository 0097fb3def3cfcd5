/**
 * `@threadkit/backend-native`: the complete threadkit API with parking in a native Node-API
 * addon — threads sleep in the kernel on the shared cell, and async waits are served off the
 * JS thread. Importing it installs the backend (once per process) and re-exports everything
 * from `@threadkit/api`.
 */
import { Worker } from 'node:worker_threads';
import { hasBackend, initMainThread, installBackend } from '@threadkit/api';
import { addon } from './addon';
import { NativeBackend } from './backend';
import { workerExecArgv } from '@threadkit/api/node';
import { newHeapBuffer } from './heap';

export * from '@threadkit/api';
export { NativeBackend } from './backend';

function startMain(): void {
  const buffer = newHeapBuffer();
  let supervisor: Worker | undefined;
  const startSupervisor = (): void => {
    if (supervisor !== undefined) return;
    supervisor = new Worker(new URL('./supervisor.js', import.meta.url), { workerData: { heap: buffer }, execArgv: workerExecArgv() });
    supervisor.unref();
  };
  const backend = new NativeBackend(buffer, true, startSupervisor);
  installBackend(backend);
  initMainThread(backend.nativeId);
  // Node joins every worker when the process ends; threads asleep in the kernel must be woken for that.
  process.on('exit', () => addon.shutdown());
  backend.spawnQueue.prewarm(1);
  startSupervisor();
}

if (!hasBackend()) startMain();
