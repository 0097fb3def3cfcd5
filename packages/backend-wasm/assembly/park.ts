/**
 * Parking: `memory.atomic.wait32` and `memory.atomic.notify` on a cell of the shared Memory.
 *
 * Node 20's V8 (11.3) baseline compiler (Liftoff) clobbers locals held in registers when
 * `memory.atomic.wait32` returns. So the wait lives alone in {@link parkCell}: nothing is live
 * in that function after the wait but its result, and callers hold their state across an
 * ordinary call (which Liftoff spills correctly). The build keeps Binaryen's inliner off
 * (optimizeLevel 0 in asconfig.json), so the call is never folded back into a caller;
 * test/liftoff-wait.test.ts fails if it is.
 */

/** Whether this instance's thread may block (false on a browser's main thread); per instance. */
let blocking: bool = true;

/** Sets whether this thread may block; when not, internal waits spin instead of parking. */
export function setCanBlock(flag: bool): void {
  blocking = flag;
}

/** True when this thread may block. */
export function canBlock(): bool {
  return blocking;
}

/** Milliseconds (Infinity = forever) as wait32's nanosecond timeout (-1 = forever). */
function toNanos(timeoutMs: f64): i64 {
  if (!(timeoutMs < 9e12)) return -1;
  return timeoutMs > 0 ? <i64>(timeoutMs * 1e6) : 0;
}

/**
 * Sleeps while the cell at `address` holds `expected`, until notified or `timeoutMs` passes.
 * Returns 0 woken, 1 not-equal, 2 timed out (wait32's codes). On a thread that may not block
 * it returns 1 at once, so callers' loops spin.
 */
export function parkCell(address: u32, expected: i32, timeoutMs: f64): i32 {
  if (!blocking) return 1;
  return memory.atomic.wait32(address, expected, toNanos(timeoutMs));
}

/** Wakes up to `count` waiters of the cell (-1 = all); returns how many woke. */
export function unparkCell(address: u32, count: i32): i32 {
  return atomic.notify(address, count);
}
