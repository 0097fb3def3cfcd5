/**
 * Parking on a heap cell with `Atomics.wait` / `Atomics.waitAsync`, and the keep-alive that
 * makes a pending async wait hold the process open like pending I/O (a bare `waitAsync` does
 * not keep Node's event loop alive).
 */
import { KeepAlive, type Heap, type ParkResult } from '@threadkit/api';

const MAX_WAIT_MS = 2 ** 31 - 1;

/** Park / unpark on the cells of one heap. */
export class Parking {
  private readonly keepAlive = new KeepAlive();

  constructor(private readonly heap: Heap) {}

  /** Blocks while the cell holds `expected`, until woken or `timeoutMs` passes. */
  park(address: number, expected: number, timeoutMs: number): ParkResult {
    return Atomics.wait(this.heap.i32, address >> 2, expected, timeoutMs === Infinity ? undefined : timeoutMs) as ParkResult;
  }

  /** Like {@link park}, as a promise; holds the process open while pending unless `keepAlive` is false. */
  parkAsync(address: number, expected: number, timeoutMs: number, keepAlive = true): Promise<ParkResult> {
    const result = Atomics.waitAsync(this.heap.i32, address >> 2, expected, timeoutMs === Infinity ? undefined : Math.min(timeoutMs, MAX_WAIT_MS));
    if (!result.async) return Promise.resolve(result.value as ParkResult);
    return keepAlive ? this.keepAlive.during(result.value as Promise<ParkResult>) : (result.value as Promise<ParkResult>);
  }

  /** Wakes up to `count` waiters of the cell (sync and async alike). */
  unpark(address: number, count: number): number {
    return Atomics.notify(this.heap.i32, address >> 2, count === Infinity ? undefined : count);
  }
}
