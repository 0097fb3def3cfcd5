/**
 * The supervisor's half of the dump on a signal (see the api's diagnostics/dump-signal.ts): it
 * waits, asynchronously, for a signal number in `Root.dumpSignal` and listens for that signal on
 * its own event loop, which is always free, so the dump comes even while the main thread blocks.
 *
 * Node delivers signals through libuv watchers on an event loop; `process.on(signal)` creates one
 * only on the main thread. A worker can create one with the `Signal` handle of Node's
 * `signal_wrap` binding (the one `process.on` uses), reached through `process.binding`, which
 * Node deprecates (DEP0111) and gives a worker on Node 20 but no longer on Node 26. Where it is missing, the
 * supervisor says so in `Root.dumpSignalListener`, and the main thread's listener takes over
 * (it then works only while the main thread is not blocked). A backend with its own way to hear
 * a signal off the JS threads (`Backend.watchSignal`: the native addon's C handler) is used first,
 * on every Node.
 */
import { Root } from '../roots';
import type { Backend } from '../spi';
import { dumpThreads } from '../diagnostics/dump';
import { Listener } from '../diagnostics/dump-signal';

interface SignalHandle {
  onsignal: (signum: number) => void;
  start(signum: number): number;
  close(): void;
  unref(): void;
}

type SignalClass = new () => SignalHandle;

/** Node's `signal_wrap` Signal class, or undefined where the runtime does not give it to a worker. */
function signalClass(): SignalClass | undefined {
  const proc = process as unknown as { binding?: (name: string) => { Signal?: SignalClass }; noDeprecation?: boolean };
  if (typeof proc.binding !== 'function') return undefined;
  const quiet = proc.noDeprecation;
  proc.noDeprecation = true; // DEP0111 would be printed by every process that enables the dump
  try {
    return proc.binding('signal_wrap').Signal;
  } catch {
    return undefined;
  } finally {
    proc.noDeprecation = quiet;
  }
}

/** Runs on the supervisor for the life of the process: listens for the signal the roots name. */
export async function watchDumpSignal(b: Backend): Promise<void> {
  let handle: { close(): void } | undefined;
  let current = 0;
  for (;;) {
    const wanted = Atomics.load(b.heap.i32, Root.dumpSignal >> 2);
    if (wanted !== current) {
      handle?.close();
      handle = undefined;
      current = wanted;
      if (wanted !== 0) handle = listenThroughBackend(b, wanted) ?? listen(b, wanted);
      Atomics.store(b.heap.i32, Root.dumpSignalListener >> 2, handle !== undefined ? Listener.supervisor : Listener.unavailable);
      if (wanted !== 0 && handle === undefined) {
        b.writeStderr(
          'threadkit: this runtime gives worker threads no signal handle: the thread dump on a signal comes from the main thread, only while it is not blocked\n',
        );
      }
    }
    await b.parkAsync(Root.dumpSignal, wanted, Infinity, false);
  }
}

/**
 * Runs on the supervisor for the life of the process: prints the dump each time a dump is
 * asked for through the inspector (`Root.dumpRequests`; diagnostics/dump-request.ts).
 */
export function watchDumpRequests(b: Backend): Promise<void> {
  return dumpOnEachBump(b, Root.dumpRequests, Atomics.load(b.heap.i32, Root.dumpRequests >> 2), () => false);
}

/**
 * Prints the dump each time the heap cell at `cell` moves on from `seen`, waiting for it
 * asynchronously (without holding the process open); returns once `stopped()` after a wake-up.
 */
async function dumpOnEachBump(b: Backend, cell: number, seen: number, stopped: () => boolean): Promise<void> {
  for (;;) {
    await b.parkAsync(cell, seen, Infinity, false);
    if (stopped()) return;
    const now = Atomics.load(b.heap.i32, cell >> 2);
    if (now === seen) continue;
    seen = now;
    b.writeStderr(dumpThreads());
  }
}

/**
 * The backend's own watch where it has one (native: a C handler and a relay thread, on any Node):
 * each signal bumps a heap cell this loop waits on asynchronously. The cell is never freed (the
 * relay may still write it as a watch ends; a few bytes per change of signal).
 */
function listenThroughBackend(b: Backend, signum: number): { close(): void } | undefined {
  if (b.watchSignal === undefined) return undefined;
  const cell = b.alloc(4);
  try {
    if (!b.watchSignal(signum, cell)) return undefined;
  } catch {
    return undefined;
  }
  let closed = false;
  void dumpOnEachBump(b, cell, 0, () => closed);
  return {
    close() {
      closed = true;
      b.unwatchSignal?.(signum);
      Atomics.add(b.heap.i32, cell >> 2, 1);
      b.unpark(cell, 1);
    },
  };
}

function listen(b: Backend, signum: number): SignalHandle | undefined {
  const Signal = signalClass();
  if (Signal === undefined) return undefined;
  try {
    const handle = new Signal();
    handle.onsignal = () => b.writeStderr(dumpThreads());
    if (handle.start(signum) !== 0) {
      handle.close();
      return undefined;
    }
    handle.unref();
    return handle;
  } catch {
    return undefined;
  }
}
