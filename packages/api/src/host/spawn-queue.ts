/**
 * Thread hand-off through the shared heap, for backends that host threads on warm workers:
 * `Thread.start()` in any thread queues a request; an idle worker waiting for the queue (a block
 * queue, queue/block-queue.ts: it waits in the parking lot) takes it; when idle and booting
 * workers cannot cover the queue, the backend's supervisor (parked on
 * {@link SpawnQueue.requestedCell} with the backend's own park, as the wasm backend's spawn queue
 * wakes it from wasm) is asked for another worker. No step needs any thread's event loop.
 */
import type { Backend, SpawnRequest } from '../spi';
import { THREAD_SPIN_READS } from '../parking/spin';
import { BLOCK_QUEUE_BYTES, append, lockQueue, queued, shift, unlockQueue, waitNonEmpty, wakeForPush } from '../queue/block-queue';

/** Byte offsets of a spawn queue's cells from its base; the block queue's lock also guards the counts. */
const Field = {
  /** The queued request blocks (BLOCK_QUEUE_BYTES). */
  queue: 0,
  /** Workers waiting in {@link SpawnQueue.take}. */
  idle: BLOCK_QUEUE_BYTES,
  /** Workers ever asked of the supervisor (only grows). */
  requested: BLOCK_QUEUE_BYTES + 4,
  /** Workers asked for that have not been idle once yet. */
  booting: BLOCK_QUEUE_BYTES + 8,
  /** Workers done with a thread and on their way back to {@link SpawnQueue.take}. */
  returning: BLOCK_QUEUE_BYTES + 12,
} as const;

/** Bytes of heap a spawn queue's cells take at its base. */
export const SPAWN_QUEUE_BYTES = BLOCK_QUEUE_BYTES + 16;

/** A request block: the queue's link, then the request. */
const Request = { next: 0, record: 4, task: 8 } as const;
const REQUEST_BYTES = 12;

/** A worker's slot block (the backend's): the record it runs, and its {@link SlotState}. */
const Slot = { record: 0, state: 4 } as const;

/** A worker's state in its slot: new (counted in `booting`), has taken work, or on its way back (counted in `returning`). */
const SlotState = { booting: 0, took: 1, returning: 2 } as const;

type Memory = Pick<Backend, 'heap' | 'alloc' | 'free' | 'park' | 'unpark' | 'lockAcquire' | 'lockRelease'>;

/** A spawn queue whose cells start at `base` in the heap (zeroed memory is an empty queue). */
export class SpawnQueue {
  constructor(
    private readonly mem: Memory,
    private readonly base: number,
  ) {}

  /** The cell counting workers ever asked for (only grows); a supervisor parks on it. */
  get requestedCell(): number {
    return this.base + Field.requested;
  }

  /** Queues `request` for a worker; asks the supervisor for one when none will be free. */
  enqueue(request: SpawnRequest): void {
    const block = this.mem.alloc(REQUEST_BYTES);
    this.set(block + Request.record, request.record);
    this.set(block + Request.task, request.task);
    const q = this.base + Field.queue;
    lockQueue(q);
    append(q, block, Request.next);
    const grow = queued(q) > this.get(this.base + Field.idle) + this.get(this.base + Field.booting) + this.get(this.base + Field.returning);
    if (grow) {
      this.bump(Field.booting, 1);
      this.bump(Field.requested, 1);
    }
    unlockQueue(q);
    wakeForPush(q);
    if (grow) this.mem.unpark(this.requestedCell, 1);
  }

  /**
   * Takes the next request for the worker whose slot block is at `slot` ([record being run,
   * state]), waiting as an idle worker until one is queued. The request's record is written to
   * the slot before the queue lets go of it, so a worker that dies at any point after taking a
   * request leaves its record where its exit handler or supervisor finds it. A new worker's first
   * call stops counting it as booting, and a returning worker's as returning, in the same step
   * that counts it idle (under the queue's lock, where `enqueue` reads the counts).
   */
  take(slot: number): SpawnRequest {
    const q = this.base + Field.queue;
    lockQueue(q);
    this.leave(slot);
    for (;;) {
      const block = shift(q, Request.next);
      if (block !== 0) {
        const request = { record: this.get(block + Request.record), task: this.get(block + Request.task) };
        this.set(slot + Slot.record, request.record);
        unlockQueue(q);
        this.mem.free(block);
        return request;
      }
      this.bump(Field.idle, 1);
      unlockQueue(q);
      waitNonEmpty(q, THREAD_SPIN_READS);
      lockQueue(q);
      this.bump(Field.idle, -1);
    }
  }

  /** Asks the supervisor for `count` workers ahead of any request (so the first start is fast). */
  prewarm(count: number): void {
    const q = this.base + Field.queue;
    lockQueue(q);
    this.bump(Field.booting, count);
    this.bump(Field.requested, count);
    unlockQueue(q);
    this.mem.unpark(this.requestedCell, 1);
  }

  /**
   * The worker with slot block `slot` is done with its thread and calls {@link take} next: from
   * now it counts as about to be idle, so a start meanwhile asks for no new worker (a program that
   * starts and joins threads one after another keeps one warm worker, not one per race).
   */
  returning(slot: number): void {
    const q = this.base + Field.queue;
    lockQueue(q);
    this.set(slot + Slot.state, SlotState.returning);
    this.bump(Field.returning, 1);
    unlockQueue(q);
  }

  /**
   * The worker with slot block `slot` died. One that had not taken work yet, or was on its way
   * back to take more, was counted on to serve queued starts: a replacement is asked for, and
   * counts as booting in its place.
   */
  lost(slot: number): void {
    const q = this.base + Field.queue;
    lockQueue(q);
    const state = this.get(slot + Slot.state);
    // A booting worker's count passes to its replacement; a returning one's becomes its booting.
    if (state === SlotState.returning) {
      this.bump(Field.returning, -1);
      this.bump(Field.booting, 1);
    }
    this.set(slot + Slot.state, SlotState.took);
    unlockQueue(q);
    if (state === SlotState.took) return;
    this.bump(Field.requested, 1);
    this.mem.unpark(this.requestedCell, 1);
  }

  /** Ends the worker's booting or returning count (queue lock held): it has taken work, or is about to wait for it. */
  private leave(slot: number): void {
    const state = this.get(slot + Slot.state);
    if (state === SlotState.booting) this.bump(Field.booting, -1);
    else if (state === SlotState.returning) this.bump(Field.returning, -1);
    this.set(slot + Slot.state, SlotState.took);
  }

  private get(address: number): number {
    return Atomics.load(this.mem.heap.i32, address >> 2);
  }

  private set(address: number, value: number): void {
    Atomics.store(this.mem.heap.i32, address >> 2, value);
  }

  private bump(offset: number, by: number): void {
    Atomics.add(this.mem.heap.i32, (this.base + offset) >> 2, by);
  }
}
