/**
 * The number of CPUs this process may use (CPython's `os.process_cpu_count()`), found without
 * importing a Node module statically so the api also runs in browsers.
 */

interface NodeProcess {
  getBuiltinModule?: (name: string) => { availableParallelism?: () => number; cpus?: () => unknown[] } | undefined;
}

/** CPUs available to the process; 1 when the platform does not say. */
export function cpuCount(): number {
  const fromNavigator = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency;
  if (typeof fromNavigator === 'number' && fromNavigator > 0) return fromNavigator;
  const os = (globalThis as { process?: NodeProcess }).process?.getBuiltinModule?.('os');
  const count = os?.availableParallelism?.() ?? os?.cpus?.().length;
  return typeof count === 'number' && count > 0 ? count : 1;
}
