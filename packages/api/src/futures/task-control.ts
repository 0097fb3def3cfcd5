/**
 * Control over an executor task beyond Python's: `submitWith`'s options and the running task's
 * `taskSignal()`. A task submitted with options has a control block, named by its future's
 * `control` field: the bytes right after the future block, in its allocation (one allocation per
 * task, as for a plain submit — a second one made the allocator's lock the options' main cost):
 *
 *   +0  abort     NONE, then SIGNALLED (the submitter's AbortSignal fired while it ran) or DONE
 *                 (it ended first); set once, by compare-and-swap from NONE, and woken
 *   +4  priority  lower runs first among queued tasks (stable within a priority); 0 by default
 *   +8  timeout   f64 ms from the task's start until its signal aborts (Infinity: none)
 *
 * In the pool thread, `taskSignal()` is a real AbortSignal (fetch, `timers/promises`,
 * `AbortSignal.any` take it). An abort from another thread reaches it two ways: an async wait on
 * the `abort` cell aborts it on the thread's event loop (for a task that awaits), and reading its
 * `aborted`, `reason` or `throwIfAborted()` looks at the cell and the deadline first — so a
 * synchronous loop that never yields sees the abort at its next check.
 */
import { RuntimeError } from '../errors';
import { waitWordAsync, wakeWord } from '../parking/word';
import { backend } from '../runtime';
import { casField, loadField, storeField } from '../fields';
import { CONTROL_BYTES, F } from './future-core';
import { Future } from './future';

/** Options of `ThreadPoolExecutor.submitWith`. */
export interface SubmitOptions {
  /** Aborting it cancels the task while queued (CancelledError) and signals it while running. */
  signal?: AbortSignal;
  /** Ms from the task's start until its `taskSignal()` aborts with a TimeoutError. */
  timeout?: number;
  /** Lower runs first among queued tasks; equal priorities run in submission order. Default 0. */
  priority?: number;
}

/** Byte offsets inside a control block. */
const Control = { abort: 0, priority: 4, timeout: 8 } as const;

/** What a task's control block holds, from checked `submitWith` options. */
export interface ControlOptions {
  readonly priority: number;
  /** Ms from the task's start; Infinity: none. */
  readonly timeout: number;
}

/** `abort` states. */
const NONE = 0;
const SIGNALLED = 1;
const DONE = 2;

/** Checks `options`; what its control block holds, or null when they ask for nothing a plain submit lacks. */
export function parseControl(options: SubmitOptions): ControlOptions | null {
  if (typeof options !== 'object' || options === null) throw new TypeError('submitWith options must be an object');
  const { signal, timeout, priority = 0 } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
  if (timeout !== undefined && (typeof timeout !== 'number' || Number.isNaN(timeout))) throw new TypeError('timeout must be a number of milliseconds');
  if (timeout !== undefined && timeout < 0) throw new RangeError("'timeout' must be a non-negative number");
  if (typeof priority !== 'number' || !Number.isInteger(priority) || Math.abs(priority) > 0x7fffffff) {
    throw new TypeError('priority must be an integer');
  }
  if (signal === undefined && timeout === undefined && priority === 0) return null;
  return { priority, timeout: timeout ?? Infinity };
}

/** Writes the control block at `control` (zeroed memory, {@link CONTROL_BYTES}); returns `control`. */
export function initControl(control: number, options: ControlOptions): number {
  storeField(control, Control.priority, options.priority);
  backend().heap.f64[(control + Control.timeout) >> 3] = options.timeout;
  return control;
}

/** The task's `timeout` in ms from its start (Infinity: none), from its control block. */
export function timeoutOf(control: number): number {
  return backend().heap.f64[(control + Control.timeout) >> 3]!;
}

/** The queued future's priority (0 without a control block). */
export function priorityOf(future: number): number {
  const control = loadField(future, F.control);
  return control === 0 ? 0 : loadField(control, Control.priority);
}

/** A signal's watched futures and what to call when each is found running at the abort; done ones are swept two per add. */
interface SignalWatch {
  readonly futures: Future<unknown>[];
  readonly callbacks: (((address: number) => void) | undefined)[];
  cursor: number;
}

/** One abort listener per signal, however many futures it controls (a listener each would make removal quadratic). */
const watches = new WeakMap<AbortSignal, SignalWatch>();

/** Looks at two watched futures, round-robin; a done one is dropped (so the list stays about twice the futures in flight). */
function sweep(watch: SignalWatch): void {
  const { futures, callbacks } = watch;
  for (let n = 0; n < 2 && futures.length > 0; n++) {
    if (watch.cursor >= futures.length) watch.cursor = 0;
    if (futures[watch.cursor]!.done()) {
      futures[watch.cursor] = futures[futures.length - 1]!;
      callbacks[watch.cursor] = callbacks[callbacks.length - 1];
      futures.pop();
      callbacks.pop();
    } else {
      watch.cursor += 1;
    }
  }
}

/** The abort reaches `future`: cancelled while queued (Python's `cancel()`), else its task is signalled. */
function abortFuture(future: Future<unknown>, onRunning: ((address: number) => void) | undefined): void {
  if (future.cancel() || future.done()) return;
  // Running: the pin keeps its block (and control block) while the abort is written.
  const address = Future.pin(future);
  try {
    const control = loadField(address, F.control);
    if (control !== 0 && casField(control, Control.abort, NONE, SIGNALLED) === NONE) {
      wakeWord(control + Control.abort);
      onRunning?.(address);
    }
  } finally {
    Future.unpin(future);
  }
}

/**
 * In the submitting thread: makes `signal` cancel `future` while it is queued (Python's
 * `cancel()`), or signal its task once running (and then calls `onRunning` with its address).
 * A signal gets one listener for all its futures; done ones are swept out as more are added.
 */
export function watchSignal(future: Future<unknown>, signal: AbortSignal, onRunning?: (address: number) => void): void {
  if (signal.aborted) return abortFuture(future, onRunning);
  let watch = watches.get(signal);
  if (watch === undefined) {
    const fresh: SignalWatch = { futures: [], callbacks: [], cursor: 0 };
    watches.set(signal, (watch = fresh));
    signal.addEventListener(
      'abort',
      () => {
        watches.delete(signal);
        fresh.futures.forEach((watched, i) => abortFuture(watched, fresh.callbacks[i]));
        fresh.futures.length = 0;
        fresh.callbacks.length = 0;
      },
      { once: true },
    );
  } else {
    sweep(watch);
  }
  watch.futures.push(future);
  watch.callbacks.push(onRunning);
}

const nativeAborted = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'aborted')!.get!;
const nativeReason = Object.getOwnPropertyDescriptor(AbortSignal.prototype, 'reason')!.get!;

/** The running task of this pool thread: its signal, and how it learns of an abort. */
interface RunningTask {
  /** Made by the first `taskSignal()` of the task. */
  controller?: AbortController;
  readonly control: number;
  readonly deadline: number;
}

let running: RunningTask | undefined;
/** True while this thread runs an executor task (with or without a control block). */
let inTask = false;

/** True while {@link aborted} aborts a controller: a runtime's `abort()` may read the signal's own getters (Deno does). */
let aborting = false;

function aborted(task: RunningTask & { controller: AbortController }): boolean {
  if (nativeAborted.call(task.controller.signal)) return true;
  // Once the task has ended its control block may be gone (freed with its future).
  if (aborting || task.control === 0 || running !== task) return false;
  let reason: DOMException | undefined;
  if (loadField(task.control, Control.abort) === SIGNALLED) reason = new DOMException('This operation was aborted', 'AbortError');
  else if (performance.now() >= task.deadline) reason = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
  if (reason !== undefined) {
    aborting = true;
    try {
      task.controller.abort(reason);
    } finally {
      aborting = false;
    }
  }
  return nativeAborted.call(task.controller.signal) as boolean;
}

/** A signal whose `aborted`, `reason` and `throwIfAborted()` look at the shared abort cell and the deadline first. */
function taskSignalFor(task: RunningTask & { controller: AbortController }): AbortSignal {
  const signal = task.controller.signal;
  Object.defineProperties(signal, {
    aborted: { get: () => aborted(task), configurable: true },
    reason: { get: () => (aborted(task), nativeReason.call(signal)), configurable: true },
    throwIfAborted: {
      value: () => {
        if (aborted(task)) throw nativeReason.call(signal);
      },
      configurable: true,
    },
  });
  if (task.control !== 0) void watchAbort(task);
  return signal;
}

/**
 * For a task that awaits: fires its signal on this thread's event loop at an abort from another
 * thread or at the deadline (a timer that fires early waits again for the rest). The wait keeps
 * the event loop alive, as the awaited work would; {@link endTask} releases it.
 */
async function watchAbort(task: RunningTask & { controller: AbortController }): Promise<void> {
  while (running === task && loadField(task.control, Control.abort) === NONE) {
    await waitWordAsync(task.control + Control.abort, NONE, task.deadline - performance.now());
    if (running === task && aborted(task)) return;
  }
}

/** In a pool thread: the task of the future at `future` starts (its control block, if any, is read here). */
export function beginTask(future: number): void {
  inTask = true;
  running = undefined;
  const control = loadField(future, F.control);
  if (control === 0) return;
  const timeout = backend().heap.f64[(control + Control.timeout) >> 3]!;
  // Its AbortSignal (and the async watch behind it) only once the task asks for it.
  running = { control, deadline: performance.now() + timeout };
}

/** The running task's context, set aside while its thread runs another task as it waits (fork-join.ts). */
export interface SuspendedTask {
  readonly running: RunningTask | undefined;
  readonly inTask: boolean;
}

/** Sets the running task aside (see {@link SuspendedTask}); {@link resumeTask} puts it back. */
export function suspendTask(): SuspendedTask {
  return { running, inTask };
}

/** Makes the task set aside by {@link suspendTask} the running one again. */
export function resumeTask(task: SuspendedTask): void {
  ({ running, inTask } = task);
}

/** True while this pool thread runs a task with a control block (`submitWith`'s signal or timeout). */
export function taskHasControl(): boolean {
  return running !== undefined && running.control !== 0;
}

/**
 * In a pool thread: the task ended; a pending async wait on its abort cell is released. True
 * when it had a timeout and ended after its deadline (stats count it as timed out if it failed).
 */
export function endTask(): boolean {
  inTask = false;
  const task = running;
  running = undefined;
  if (task === undefined || task.control === 0) return false;
  if (casField(task.control, Control.abort, NONE, DONE) === NONE) wakeWord(task.control + Control.abort);
  return performance.now() >= task.deadline;
}

/**
 * The running executor task's AbortSignal: it aborts when the task's `signal` (see `submitWith`)
 * is aborted in any thread (an AbortError) or its `timeout` passes (a TimeoutError). A task
 * submitted without them gets a signal that never aborts. A synchronous loop sees an abort at
 * its next `taskSignal().aborted` or `throwIfAborted()`, without yielding. Throws RuntimeError
 * outside an executor task.
 */
export function taskSignal(): AbortSignal {
  if (!inTask) throw new RuntimeError('taskSignal() called outside an executor task');
  running ??= { control: 0, deadline: Infinity };
  if (running.controller === undefined) {
    const task = Object.assign(running, { controller: new AbortController() });
    return taskSignalFor(task);
  }
  return running.controller.signal;
}
