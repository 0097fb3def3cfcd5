/**
 * The shared Locks and RLocks of the process, each in a list, so a thread dump can say which locks
 * each thread holds — also those nobody waits for yet. A lock joins its list when it gets its block
 * (the first time it is sent to another thread or has to be waited for: a local lock can only be
 * held by its own thread and waited for by nobody) and leaves it when the block is freed. The
 * list is doubly linked through two cells of each block, under one core lock in the roots; walking
 * it under that lock never meets a freed block. Nothing here runs on an acquire or a release.
 */
import { Root } from '../roots';
import { backend } from '../runtime';

/** A list of lock blocks whose links (previous, next) are at `linkOffset` and `linkOffset + 4`. */
export class LockRegistry {
  /** @param head the root cell of the list's first block. @param linkOffset where each block keeps its links. */
  constructor(
    private readonly head: number,
    private readonly linkOffset: number,
  ) {}

  /** Adds the new block at `address` (its links are zero). */
  add(address: number): void {
    this.locked((i32) => {
      const first = Atomics.load(i32, this.head >> 2);
      Atomics.store(i32, (address + this.linkOffset + 4) >> 2, first);
      if (first !== 0) Atomics.store(i32, (first + this.linkOffset) >> 2, address);
      Atomics.store(i32, this.head >> 2, address);
    });
  }

  /** Takes the block at `address` out of the list (before it is freed). */
  remove(address: number): void {
    this.locked((i32) => {
      const prev = Atomics.load(i32, (address + this.linkOffset) >> 2);
      const next = Atomics.load(i32, (address + this.linkOffset + 4) >> 2);
      Atomics.store(i32, (prev === 0 ? this.head : prev + this.linkOffset + 4) >> 2, next);
      if (next !== 0) Atomics.store(i32, (next + this.linkOffset) >> 2, prev);
    });
  }

  /** Calls `visit(address)` for every block in the list, under the list's lock (`visit` must not take it). */
  forEach(visit: (address: number) => void): void {
    this.locked((i32) => {
      for (let at = Atomics.load(i32, this.head >> 2); at !== 0; at = Atomics.load(i32, (at + this.linkOffset + 4) >> 2)) visit(at);
    });
  }

  private locked(body: (i32: Int32Array) => void): void {
    const b = backend();
    b.lockAcquire(Root.lockListLock, Infinity);
    try {
      body(b.heap.i32);
    } finally {
      b.lockRelease(Root.lockListLock);
    }
  }
}
