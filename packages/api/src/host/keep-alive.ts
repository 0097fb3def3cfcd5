/**
 * A ref-counted keep-alive for backend authors: while anything holds it, one long referenced
 * interval keeps the event loop (and so the process) alive, as pending I/O would. A bare
 * `Atomics.waitAsync` does not keep Node's event loop alive; a pending async park must.
 */
export class KeepAlive {
  private holders = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  /** Adds a holder; the first one starts the interval. */
  hold(): void {
    if (this.holders++ === 0) this.timer = setInterval(() => {}, 1 << 30);
  }

  /** Removes a holder; the last one stops the interval. */
  release(): void {
    if (--this.holders === 0) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Holds the process open until `promise` settles. */
  during<T>(promise: Promise<T>): Promise<T> {
    this.hold();
    return promise.finally(() => this.release());
  }
}
