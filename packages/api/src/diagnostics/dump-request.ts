/**
 * A thread dump asked for from outside through Node's inspector: `threadkit-dump <pid>` (the
 * api's bin) sends the process SIGUSR1, on which Node opens its inspector from a thread of its
 * own, connects to it and evaluates the hook this file installs on the main thread. V8 runs such
 * an evaluation as an interrupt, even while the main thread is blocked in `Atomics.wait` (or a
 * WebAssembly wait) — so this reaches a process whose main thread is blocked on any Node, where
 * Node gives worker threads no signal handle (Node 22 and later: diagnostics/dump-signal.ts).
 *
 * The hook only bumps `Root.dumpRequests` and wakes it; the supervisor, whose event loop is
 * always free, prints the dump to stderr (node/dump-signal.ts). It does not print the dump itself:
 * an interrupt may land while the main thread holds one of the api's internal locks, which the
 * dump takes. A main thread parked inside a native addon (the native backend) is out of V8's
 * reach until it wakes; that backend hears the signal of `enableDumpOnSignal` itself.
 */
import { Root } from '../roots';
import { backend } from '../runtime';
import { ALL } from '../parking/lot';

/** The global the hook is installed under (`globalThis[Symbol.for('threadkit.requestDump')]`). */
export const DUMP_REQUEST_HOOK: unique symbol = Symbol.for('threadkit.requestDump') as never;

/** Asks the supervisor for a thread dump on stderr; returns what the asker is told. */
function requestDump(): string {
  const b = backend();
  Atomics.add(b.heap.i32, Root.dumpRequests >> 2, 1);
  b.unpark(Root.dumpRequests, ALL);
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid;
  return `threadkit: process ${pid} prints its thread dump on its stderr`;
}

/** Installs the hook on this (the main) thread's global; `threadkit-dump` calls it. */
export function installDumpRequestHook(): void {
  (globalThis as Record<symbol, unknown>)[DUMP_REQUEST_HOOK] = requestDump;
}
