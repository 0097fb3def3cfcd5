/**
 * Parking on a heap cell with `Atomics.wait` / `Atomics.notify`; the async park is the api's
 * `Atomics.waitAsync` one (`WaitAsyncParking`, which also keeps the process alive while a park
 * is pending).
 */
import { WaitAsyncParking, type ParkResult } from '@threadkit/api/spi';

/** Park / unpark on the cells of one heap. */
export class Parking extends WaitAsyncParking {
  /** Blocks while the cell holds `expected`, until woken or `timeoutMs` passes. */
  park(address: number, expected: number, timeoutMs: number): ParkResult {
    return Atomics.wait(this.heap.i32, address >> 2, expected, timeoutMs === Infinity ? undefined : timeoutMs) as ParkResult;
  }

  /** Wakes up to `count` waiters of the cell (sync and async alike). */
  unpark(address: number, count: number): number {
    return Atomics.notify(this.heap.i32, address >> 2, count === Infinity ? undefined : count);
  }
}
