/**
 * Thread hand-off through the shared heap, for backends that host threads on warm workers:
 * `Thread.start()` in any thread queues a request; an idle worker waiting on the sequence cell
 * (in the parking lot, parking/word.ts) takes it; when idle and booting workers cannot cover the
 * queue, the backend's supervisor (parked on {@link SpawnQueue.requestedCell} with the backend's
 * own park, as the wasm backend's spawn queue wakes it from wasm) is asked for another worker.
 * No step needs any thread's event loop.
 *
 * Cells, from `base` (SPAWN_QUEUE_BYTES): lock, head, tail, queued, idle, seq, requested (only
 * grows), booting (asked for, not yet idle once). Request block: [next, record, task].
 */
import type { Backend, SpawnRequest } from '../spi';
import { waitWord, wakeWord } from '../parking/word';

/** Bytes of heap a spawn queue's cells take at its base. */
export const SPAWN_QUEUE_BYTES = 32;

const LOCK = 0;
const HEAD = 4;
const TAIL = 8;
const QUEUED = 12;
const IDLE = 16;
const SEQ = 20;
const REQUESTED = 24;
const BOOTING = 28;

type Memory = Pick<Backend, 'heap' | 'alloc' | 'free' | 'park' | 'unpark' | 'lockAcquire' | 'lockRelease'>;

/** A spawn queue whose cells start at `base` in the heap (zeroed memory is an empty queue). */
export class SpawnQueue {
  constructor(
    private readonly mem: Memory,
    private readonly base: number,
  ) {}

  /** The cell counting workers ever asked for (only grows); a supervisor parks on it. */
  get requestedCell(): number {
    return this.base + REQUESTED;
  }

  /** Queues `request` for a worker; asks the supervisor for one when none will be free. */
  enqueue(request: SpawnRequest): void {
    const block = this.mem.alloc(12);
    this.set(block + 4, request.record);
    this.set(block + 8, request.task);
    this.mem.lockAcquire(this.base + LOCK, Infinity);
    const tail = this.get(this.base + TAIL);
    this.set(tail === 0 ? this.base + HEAD : tail, block);
    this.set(this.base + TAIL, block);
    const grow = this.bump(QUEUED, 1) > this.get(this.base + IDLE) + this.get(this.base + BOOTING);
    if (grow) {
      this.bump(BOOTING, 1);
      this.bump(REQUESTED, 1);
    }
    this.bump(SEQ, 1);
    this.mem.lockRelease(this.base + LOCK);
    wakeWord(this.base + SEQ, 1);
    if (grow) this.mem.unpark(this.base + REQUESTED, 1);
  }

  /**
   * Takes the next request for the worker whose slot block is at `slot` ([record being run,
   * booted flag]), parking as an idle worker until one is queued. The request's record is
   * written to the slot before the queue lets go of it, so a worker that dies at any point after
   * taking a request leaves its record where its exit handler or supervisor finds it. A new
   * worker's first call (booted flag 0) also stops counting as booting, in the same step.
   */
  take(slot: number): SpawnRequest {
    this.mem.lockAcquire(this.base + LOCK, Infinity);
    if (this.get(slot + 4) === 0) {
      this.set(slot + 4, 1);
      this.bump(BOOTING, -1);
    }
    for (;;) {
      const head = this.get(this.base + HEAD);
      if (head !== 0) {
        const next = this.get(head);
        this.set(this.base + HEAD, next);
        if (next === 0) this.set(this.base + TAIL, 0);
        this.bump(QUEUED, -1);
        this.set(slot, this.get(head + 4));
        this.mem.lockRelease(this.base + LOCK);
        const request = { record: this.get(head + 4), task: this.get(head + 8) };
        this.mem.free(head);
        return request;
      }
      const seq = this.get(this.base + SEQ);
      this.bump(IDLE, 1);
      this.mem.lockRelease(this.base + LOCK);
      waitWord(this.base + SEQ, seq, Infinity);
      this.mem.lockAcquire(this.base + LOCK, Infinity);
      this.bump(IDLE, -1);
    }
  }

  /** Asks the supervisor for `count` workers ahead of any request (so the first start is fast). */
  prewarm(count: number): void {
    this.mem.lockAcquire(this.base + LOCK, Infinity);
    this.bump(BOOTING, count);
    this.bump(REQUESTED, count);
    this.mem.lockRelease(this.base + LOCK);
    this.mem.unpark(this.base + REQUESTED, 1);
  }

  /** A worker died before it took work: ask for a replacement (it inherits the booting slot). */
  requestReplacement(): void {
    this.bump(REQUESTED, 1);
    this.mem.unpark(this.base + REQUESTED, 1);
  }

  private get(address: number): number {
    return Atomics.load(this.mem.heap.i32, address >> 2);
  }

  private set(address: number, value: number): void {
    Atomics.store(this.mem.heap.i32, address >> 2, value);
  }

  private bump(offset: number, by: number): number {
    return Atomics.add(this.mem.heap.i32, (this.base + offset) >> 2, by) + by;
  }
}
