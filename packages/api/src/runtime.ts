import type { Backend } from './spi';
import { RuntimeError } from './errors';

let installed: Backend | undefined;
let blockingAllowed = true;

/**
 * Installs the backend this thread's api runs on. Called once per thread by a backend
 * package's entry (and by its worker runtime); a second, different backend is an error, since
 * shared objects of two backends cannot meet.
 */
export function installBackend(backend: Backend): void {
  if (installed !== undefined && installed !== backend) {
    throw new Error(`threadkit: backend '${installed.name}' is already installed; cannot install '${backend.name}'`);
  }
  installed = backend;
  blockingAllowed = backend.canBlock;
}

/** Global symbol under which a harness may install `(asyncForm) => void`, called on each refused blocking call. */
export const REFUSED_BLOCK: unique symbol = Symbol.for('threadkit.onRefusedBlock') as never;

/**
 * Guards a sync form that may wait: on a thread that must not block (a browser's main thread)
 * it throws a RuntimeError naming the async form to use instead, e.g. `mustBlock('acquireAsync()')`.
 * Predictable by design: it throws even when the call would not have had to wait this time.
 */
export function mustBlock(asyncForm: string): void {
  if (!blockingAllowed) {
    // A hook for test harnesses and dev tools that want to see every refusal, even one a caller catches.
    (globalThis as { [REFUSED_BLOCK]?: (asyncForm: string) => void })[REFUSED_BLOCK]?.(asyncForm);
    throw new RuntimeError(`this thread cannot block (a browser's main thread may not wait): use ${asyncForm} instead`);
  }
}

/** The installed backend; throws a clear error when the api is imported without one. */
export function backend(): Backend {
  if (installed === undefined) {
    throw new Error(
      "threadkit: no backend installed — import the API from a backend package such as '@threadkit/backend-workers', not from '@threadkit/api'",
    );
  }
  return installed;
}

/** True once a backend is installed in this thread. */
export function hasBackend(): boolean {
  return installed !== undefined;
}

let dedicatedWorkers = false;

/** Called by a host that can start a thread on a worker of its own with runtime limits (the Node host kit). */
export function enableDedicatedWorkers(): void {
  dedicatedWorkers = true;
}

/** True when this process's host can run a thread under Node's `resourceLimits` (see host/dedicated-workers.ts). */
export function canLimitResources(): boolean {
  return dedicatedWorkers;
}
