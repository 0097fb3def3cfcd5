/**
 * Timeout rules shared by every blocking call. Timeouts are milliseconds; `undefined` is
 * Python's `None` (forever). Each helper returns a backend timeout: a finite number of ms, 0
 * for a poll, or `Infinity`.
 */

/** Largest timeout accepted, in ms (Python's `threading.TIMEOUT_MAX`, scaled to ms). */
export const TIMEOUT_MAX = 9223372036 * 1000;

function checkNumber(timeout: number): void {
  if (typeof timeout !== 'number') {
    throw new TypeError(`timeout must be a number of milliseconds or undefined, not ${typeof timeout}`);
  }
  if (Number.isNaN(timeout)) throw new RangeError('Invalid value NaN (not a number)');
}

/**
 * `Lock.acquire(blocking, timeout)` rules: `-1` is forever; any other negative is an error;
 * a timeout with `blocking = false` is an error; above {@link TIMEOUT_MAX} is an OverflowError.
 */
export function lockTimeout(blocking: boolean, timeout: number): number {
  checkNumber(timeout);
  if (!blocking) {
    if (timeout !== -1) throw new RangeError("can't specify a timeout for a non-blocking call");
    return 0;
  }
  if (timeout === -1) return Infinity;
  if (timeout < 0) throw new RangeError('timeout value must be a non-negative number');
  if (timeout > TIMEOUT_MAX) throw new RangeError('timeout value is too large');
  return timeout;
}

/**
 * Timeout of `Event.wait`, `Condition.wait`, `Semaphore.acquire`, `Thread.join` and futures:
 * `undefined` is forever, a negative value polls.
 */
export function waitTimeout(timeout: number | undefined): number {
  if (timeout === undefined || timeout === null) return Infinity;
  checkNumber(timeout);
  if (timeout <= 0) return 0;
  if (timeout > TIMEOUT_MAX) throw new RangeError('timeout value is too large');
  return timeout;
}

/** Timeout of `Queue.get`/`put`: `undefined` is forever, a negative value is an error. */
export function queueTimeout(timeout: number | undefined): number {
  if (timeout === undefined || timeout === null) return Infinity;
  checkNumber(timeout);
  if (timeout < 0) throw new RangeError("'timeout' must be a non-negative number");
  if (timeout > TIMEOUT_MAX) throw new RangeError('timeout value is too large');
  return timeout;
}

/** A deadline clock: `remaining()` is the ms left (Infinity for forever, never negative). */
export class Deadline {
  private readonly end: number;
  constructor(timeoutMs: number) {
    this.end = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
  }
  /** Milliseconds left, 0 when passed. */
  remaining(): number {
    if (this.end === Infinity) return Infinity;
    return Math.max(0, this.end - performance.now());
  }
  /** True when the deadline has passed. */
  expired(): boolean {
    return this.remaining() === 0;
  }
}
