/**
 * A thread dump on a signal, from outside the process (`kill -USR2 <pid>`), even while the main
 * thread is blocked in a threadkit wait — the moment a dump is needed.
 *
 * Node runs `process.on(signal)` listeners on the main thread's event loop, which does not turn
 * while the main thread blocks, and does not deliver signals to workers' `process`. So the
 * listener that matters runs on the Node host's supervisor, a worker whose event loop is always
 * free (node/dump-signal.ts): the signal number goes into a root cell, the supervisor starts
 * listening for it and prints the dump (read from shared memory) to stderr. Where the supervisor
 * cannot listen (a runtime without Node's signal watcher for workers), the main thread's own
 * `process.on` listener prints it, which works only while the main thread is not blocked.
 */
import { RuntimeError } from '../errors';
import { Root } from '../roots';
import { backend } from '../runtime';
import { dumpThreads } from './dump';

/** The supervisor's answer in `Root.dumpSignalListener`. */
export const Listener = { none: 0, supervisor: 1, unavailable: 2 } as const;

interface NodeProcess {
  on(event: string, listener: () => void): unknown;
  getBuiltinModule?(name: string): unknown;
  pid: number;
}

function nodeProcess(): NodeProcess | undefined {
  const proc = (globalThis as { process?: NodeProcess }).process;
  return typeof proc?.on === 'function' && typeof proc.getBuiltinModule === 'function' ? proc : undefined;
}

/** The signals this isolate's main-thread fallback listens for already. */
const listening = new Set<string>();

/**
 * Makes the process print `dumpThreads()` to stderr each time it receives `signal` (default
 * `SIGUSR2`; `SIGUSR1` is Node's inspector), from any thread, even while the main thread is
 * blocked in a threadkit wait. `THREADKIT_DUMP_ON_SIGNAL=SIGUSR2` does the same at start. Node
 * only (a RuntimeError elsewhere); one signal at a time per process (the last call wins).
 */
export function enableDumpOnSignal(signal = 'SIGUSR2'): void {
  const proc = nodeProcess();
  if (proc === undefined) throw new RuntimeError('enableDumpOnSignal() needs Node (process signals)');
  const os = proc.getBuiltinModule!('node:os') as { constants: { signals: Record<string, number> } };
  const number = os.constants.signals[signal];
  if (typeof number !== 'number' || signal === 'SIGKILL' || signal === 'SIGSTOP') {
    throw new RangeError(`enableDumpOnSignal(): not a signal that can be caught: ${JSON.stringify(signal)}`);
  }
  const b = backend();
  // The main thread's listener first: a backend's own C handler (Backend.watchSignal), installed
  // by the supervisor next, then finds the runtime's handler in place and calls it after its own.
  if (!listening.has(signal)) {
    listening.add(signal);
    proc.on(signal, () => {
      const i32 = backend().heap.i32;
      if (Atomics.load(i32, Root.dumpSignal >> 2) !== number) return;
      if (Atomics.load(i32, Root.dumpSignalListener >> 2) === Listener.supervisor) return;
      backend().writeStderr(dumpThreads());
    });
  }
  Atomics.store(b.heap.i32, Root.dumpSignal >> 2, number);
  b.unpark(Root.dumpSignal, 0x7fffffff);
}

/** Reads `THREADKIT_DUMP_ON_SIGNAL` at start (`1` means SIGUSR2); a bad name is a RangeError. */
export function dumpOnSignalFromEnv(value: string | undefined): void {
  if (value === undefined || value === '' || value === '0') return;
  enableDumpOnSignal(value === '1' ? 'SIGUSR2' : value.trim().toUpperCase());
}
