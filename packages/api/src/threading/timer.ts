/**
 * `threading.Timer`: a thread that calls a function after `interval` ms unless cancelled
 * first. The function is shipped like any thread target (self-contained, or `task()`).
 */
import { dropReference, RELOCALIZE } from '../handle';
import { Event } from '../sync/event';
import { registerBuiltinTask, builtinTask, resolveTask, toTaskSpec, type TaskRef, type TaskSpec } from './task';
import { ON_END, Thread } from './thread';

const TIMER_TASK = 'threadkit.timer';

/** A thread that runs `fn(...args)` after `interval` milliseconds; `cancel()` stops it while it waits. */
export class Timer extends Thread {
  /** Set when the timer is cancelled or has fired. */
  readonly finished: Event;
  /** Ms the timer waits before it calls {@link function} (Python's `interval`, in seconds there). */
  readonly interval: number;
  /** What the timer calls (Python's `function`). */
  readonly function: ((...args: never[]) => unknown) | TaskRef;
  /** The arguments it calls {@link function} with: a fresh array per timer when none are given, as in Python. */
  readonly args: unknown[];

  constructor(interval: number, fn: ((...args: never[]) => unknown) | TaskRef, args: readonly unknown[] | null = null) {
    if (typeof interval !== 'number' || Number.isNaN(interval)) throw new TypeError('Timer interval must be a number of milliseconds');
    const finished = new Event();
    const callArgs = args === null ? [] : (args as unknown[]);
    super({ target: builtinTask(TIMER_TASK), args: [finished, interval, toTaskSpec(fn, 'Timer function'), callArgs] });
    this.finished = finished;
    this.interval = interval;
    this.function = fn;
    this.args = callArgs;
  }

  /** Stops the timer if it has not fired yet. */
  cancel(): void {
    this.finished.set();
  }

  /** Once the timer's thread is done, its event is this view's alone again: it goes back to being local. */
  protected override [ON_END](): void {
    this.finished[RELOCALIZE]();
  }

  protected override reprName(): string {
    return 'Timer';
  }
}

registerBuiltinTask(TIMER_TASK, (async (finished: Event, interval: number, spec: TaskSpec, args: unknown[]) => {
  const fn = await resolveTask(spec);
  if (!finished.wait(interval)) await fn(...args);
  finished.set();
  // This thread is done with the event: let go of it now, not when a finalizer gets to it.
  dropReference(finished);
}) as never);
