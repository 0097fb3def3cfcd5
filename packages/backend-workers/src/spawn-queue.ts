/**
 * Thread hand-off through shared memory. `Thread.start()` in any thread queues a request; an
 * idle warm worker parked on {@link Cell.workSeq} takes it. When no worker is idle, the
 * supervisor (parked on {@link Cell.spawnRequested}) is asked for a new one. No step needs any
 * thread's event loop, so a main thread blocked in `join()` never stalls a start.
 *
 * Request block: [next, record, task] (12 bytes).
 */
import type { Backend, SpawnRequest } from '@threadkit/api';
import { Cell } from './layout';

type Memory = Pick<Backend, 'alloc' | 'free' | 'park' | 'unpark' | 'lockAcquire' | 'lockRelease'> & {
  readonly heap: { readonly i32: Int32Array };
};

function cell(address: number): number {
  return address >> 2;
}

/** Queues a thread for a worker; asks the supervisor for a worker when none is idle. */
export function enqueueSpawn(mem: Memory, request: SpawnRequest): void {
  const i32 = mem.heap.i32;
  const block = mem.alloc(12);
  Atomics.store(i32, cell(block + 4), request.record);
  Atomics.store(i32, cell(block + 8), request.task);
  let needWorker: boolean;
  mem.lockAcquire(Cell.poolLock, Infinity);
  try {
    const tail = Atomics.load(i32, cell(Cell.pendingTail));
    if (tail === 0) Atomics.store(i32, cell(Cell.pendingHead), block);
    else Atomics.store(i32, cell(tail), block);
    Atomics.store(i32, cell(Cell.pendingTail), block);
    const pending = Atomics.add(i32, cell(Cell.pendingCount), 1) + 1;
    needWorker = pending > Atomics.load(i32, cell(Cell.idleCount)) + Atomics.load(i32, cell(Cell.booting));
    Atomics.add(i32, cell(Cell.workSeq), 1);
    if (needWorker) {
      Atomics.add(i32, cell(Cell.booting), 1);
      Atomics.add(i32, cell(Cell.spawnRequested), 1);
    }
  } finally {
    mem.lockRelease(Cell.poolLock);
  }
  mem.unpark(Cell.workSeq, 1);
  if (needWorker) mem.unpark(Cell.spawnRequested, 1);
}

/**
 * Takes the next request, parking as an idle worker until one arrives. A new worker's first
 * call passes `booted` so that it stops counting as booting in the same step.
 */
export function takeSpawn(mem: Memory, booted = false): SpawnRequest {
  const i32 = mem.heap.i32;
  mem.lockAcquire(Cell.poolLock, Infinity);
  if (booted) Atomics.sub(i32, cell(Cell.booting), 1);
  for (;;) {
    const head = Atomics.load(i32, cell(Cell.pendingHead));
    if (head !== 0) {
      const next = Atomics.load(i32, cell(head));
      Atomics.store(i32, cell(Cell.pendingHead), next);
      if (next === 0) Atomics.store(i32, cell(Cell.pendingTail), 0);
      Atomics.sub(i32, cell(Cell.pendingCount), 1);
      mem.lockRelease(Cell.poolLock);
      const request = { record: Atomics.load(i32, cell(head + 4)), task: Atomics.load(i32, cell(head + 8)) };
      mem.free(head);
      return request;
    }
    const seq = Atomics.load(i32, cell(Cell.workSeq));
    Atomics.add(i32, cell(Cell.idleCount), 1);
    mem.lockRelease(Cell.poolLock);
    mem.park(Cell.workSeq, seq, Infinity);
    mem.lockAcquire(Cell.poolLock, Infinity);
    Atomics.sub(i32, cell(Cell.idleCount), 1);
  }
}

/** Asks the supervisor for `count` warm workers ahead of any request. */
export function prewarm(mem: Memory, count: number): void {
  const i32 = mem.heap.i32;
  mem.lockAcquire(Cell.poolLock, Infinity);
  Atomics.add(i32, cell(Cell.booting), count);
  Atomics.add(i32, cell(Cell.spawnRequested), count);
  mem.lockRelease(Cell.poolLock);
  mem.unpark(Cell.spawnRequested, 1);
}
