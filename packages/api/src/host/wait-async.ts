/**
 * `Backend.parkAsync` for backends whose cells `Atomics.notify` (or WebAssembly's
 * `memory.atomic.notify`, which V8 runs through the same futex table) wakes: an
 * `Atomics.waitAsync` on the heap's current Int32Array view. A bare `waitAsync` does not keep
 * Node's event loop alive; a pending park holds the process open like pending I/O unless told not
 * to ({@link KeepAlive}).
 */
import type { Heap, ParkResult } from '../spi';
import { KeepAlive } from './keep-alive';

/** The longest timeout passed to `Atomics.waitAsync` (about 24.8 days): a park may end early, and its callers re-check. */
const MAX_WAIT_MS = 2 ** 31 - 1;

/** Async parking on the cells of one heap (its views are read at each call: they change when the heap grows). */
export class WaitAsyncParking {
  private readonly keepAlive = new KeepAlive();

  constructor(protected readonly heap: Heap) {}

  /**
   * Resolves when the cell at `address` no longer holds `expected`, it is woken, or `timeoutMs`
   * passes (Infinity: never); holds the process open while pending unless `keepAlive` is false.
   */
  parkAsync(address: number, expected: number, timeoutMs: number, keepAlive = true): Promise<ParkResult> {
    const timeout = timeoutMs === Infinity ? undefined : Math.min(timeoutMs, MAX_WAIT_MS);
    const result = Atomics.waitAsync(this.heap.i32, address >> 2, expected, timeout);
    if (!result.async) return Promise.resolve(result.value as ParkResult);
    return keepAlive ? this.keepAlive.during(result.value as Promise<ParkResult>) : (result.value as Promise<ParkResult>);
  }
}
