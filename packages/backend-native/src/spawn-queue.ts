/**
 * Handing threads to warm workers through the heap. `spawn` (from any thread) appends a
 * request to a FIFO list under the pool lock and wakes one idle worker; when idle and booting
 * workers cannot cover the queue, it also asks the supervisor for another worker. Workers take
 * requests off the front, sleeping (natively) on {@link Pool.seq} while the queue is empty.
 * No step needs any thread's event loop.
 *
 * Request block: [next, record, task] (12 bytes).
 */
import type { Backend, SpawnRequest } from '@threadkit/api';
import { Pool } from './layout';

type Memory = Pick<Backend, 'heap' | 'alloc' | 'free' | 'park' | 'unpark' | 'lockAcquire' | 'lockRelease'>;

const at = (address: number): number => address >> 2;
const get = (i32: Int32Array, address: number): number => Atomics.load(i32, at(address));
const set = (i32: Int32Array, address: number, value: number): void => void Atomics.store(i32, at(address), value);
const bump = (i32: Int32Array, address: number, by: number): number => Atomics.add(i32, at(address), by) + by;

/** Queues `request` for a worker; asks the supervisor for one when none will be free. */
export function queueSpawn(mem: Memory, request: SpawnRequest): void {
  const i32 = mem.heap.i32;
  const block = mem.alloc(12);
  set(i32, block + 4, request.record);
  set(i32, block + 8, request.task);
  mem.lockAcquire(Pool.lock, Infinity);
  const tail = get(i32, Pool.tail);
  set(i32, tail === 0 ? Pool.head : tail, block);
  set(i32, Pool.tail, block);
  const grow = bump(i32, Pool.queued, 1) > get(i32, Pool.idle) + get(i32, Pool.booting);
  if (grow) {
    bump(i32, Pool.booting, 1);
    bump(i32, Pool.wanted, 1);
  }
  bump(i32, Pool.seq, 1);
  mem.lockRelease(Pool.lock);
  mem.unpark(Pool.seq, 1);
  if (grow) mem.unpark(Pool.wanted, 1);
}

/**
 * Takes the next request, sleeping as an idle worker until one is queued. A new worker's first
 * call passes `fresh`, so it stops counting as booting in the same step.
 */
export function takeSpawn(mem: Memory, fresh: boolean): SpawnRequest {
  const i32 = mem.heap.i32;
  mem.lockAcquire(Pool.lock, Infinity);
  if (fresh) bump(i32, Pool.booting, -1);
  for (;;) {
    const head = get(i32, Pool.head);
    if (head !== 0) {
      const next = get(i32, head);
      set(i32, Pool.head, next);
      if (next === 0) set(i32, Pool.tail, 0);
      bump(i32, Pool.queued, -1);
      mem.lockRelease(Pool.lock);
      const request = { record: get(i32, head + 4), task: get(i32, head + 8) };
      mem.free(head);
      return request;
    }
    const seq = get(i32, Pool.seq);
    bump(i32, Pool.idle, 1);
    mem.lockRelease(Pool.lock);
    mem.park(Pool.seq, seq, Infinity);
    mem.lockAcquire(Pool.lock, Infinity);
    bump(i32, Pool.idle, -1);
  }
}

/** Asks the supervisor for `count` workers ahead of any request (so the first start is fast). */
export function prewarm(mem: Memory, count: number): void {
  const i32 = mem.heap.i32;
  mem.lockAcquire(Pool.lock, Infinity);
  bump(i32, Pool.booting, count);
  bump(i32, Pool.wanted, count);
  mem.lockRelease(Pool.lock);
  mem.unpark(Pool.wanted, 1);
}
