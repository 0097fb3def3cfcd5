/**
 * A ref-counted keep-alive for backend authors: while anything holds it, one long interval is
 * referenced, so it keeps the event loop (and so the process) alive, as pending I/O would. A bare
 * `Atomics.waitAsync` does not keep Node's event loop alive; a pending async park must.
 *
 * The interval is made once and then only referenced and unreferenced (Node's and Bun's timers
 * have `ref`/`unref`): an async park is held this way each time, and making and clearing a timer
 * per park cost more than the rest of the park. Where timers are plain numbers (browsers, Deno),
 * the interval is made on the first hold and cleared on the last release instead.
 */

/** A timer that can stop and start keeping the event loop alive (Node's and Bun's). */
interface RefTimer {
  ref(): unknown;
  unref(): unknown;
}

function canRef(timer: unknown): timer is RefTimer {
  return typeof (timer as RefTimer | null)?.ref === 'function' && typeof (timer as RefTimer).unref === 'function';
}

export class KeepAlive {
  private holders = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Adds a holder; the first one references the interval (making it the first time). */
  hold(): void {
    if (this.holders++ !== 0) return;
    const timer = this.timer;
    if (timer === undefined) this.timer = setInterval(() => {}, 1 << 30);
    else (timer as unknown as RefTimer).ref();
  }

  /** Removes a holder; the last one unreferences the interval (or clears it, where timers are numbers). */
  release(): void {
    if (--this.holders !== 0) return;
    const timer = this.timer;
    if (canRef(timer)) {
      timer.unref();
    } else {
      clearInterval(timer);
      this.timer = undefined;
    }
  }

  /** Holds the process open until `promise` settles. */
  during<T>(promise: Promise<T>): Promise<T> {
    this.hold();
    return promise.finally(() => this.release());
  }
}
