/**
 * Async parking: `Atomics.waitAsync` on the Memory's buffer. V8 runs wasm's
 * `memory.atomic.notify` and JS's `Atomics.notify` through the same futex table, so a wasm
 * notify wakes these waiters (test/interop.test.ts). A pending wait can hold the process open
 * like pending I/O (a bare `waitAsync` does not keep Node's event loop alive).
 */
import { KeepAlive, type Heap, type ParkResult } from '@threadkit/api';

const MAX_WAIT_MS = 2 ** 31 - 1;

/** `parkAsync` over the heap's current Int32Array view (the Memory may have grown since the last call). */
export class AsyncParking {
  private readonly keepAlive = new KeepAlive();

  constructor(private readonly heap: Heap) {}

  /** Resolves when the cell no longer holds `expected`, it is woken, or `timeoutMs` passes. */
  park(address: number, expected: number, timeoutMs: number, keepAlive: boolean): Promise<ParkResult> {
    const timeout = timeoutMs === Infinity ? undefined : Math.min(timeoutMs, MAX_WAIT_MS);
    const result = Atomics.waitAsync(this.heap.i32, address >> 2, expected, timeout);
    if (!result.async) return Promise.resolve(result.value as ParkResult);
    return keepAlive ? this.keepAlive.during(result.value as Promise<ParkResult>) : (result.value as Promise<ParkResult>);
  }
}
