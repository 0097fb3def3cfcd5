import type { Backend } from './spi';

let installed: Backend | undefined;

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
