/**
 * The in-memory fake backend of the api's unit tests: one thread, no parking (a wait that would
 * block throws), and an allocator that knows its live blocks. Blocks are handed out zeroed,
 * reused by size once freed (a freed future's address comes back to the next future), and
 * poisoned when freed, so a use after free shows; an optional budget makes `alloc` fail like a
 * full heap. A "thread" in these tests is a re-import of the api modules over the same backend.
 */
import { heapViews } from '../src/host/heap-views';
import type { Backend } from '../src/spi';

/** The fake backend, with its live blocks (address → bytes) and an adjustable budget in bytes. */
export interface FakeBackend extends Backend {
  readonly live: Map<number, number>;
  budget: number;
}

/** A fake backend over a new heap of `bytes`. */
export function fakeBackend(bytes = 1 << 22): FakeBackend {
  const buffer = new SharedArrayBuffer(bytes);
  const heap = heapViews(buffer);
  const live = new Map<number, number>();
  const freed = new Map<number, number[]>();
  let top = 256;
  const used = (): number => [...live.values()].reduce((a, b) => a + b, 0);
  const lockAcquire = (address: number, timeoutMs: number): boolean => {
    if (Atomics.compareExchange(heap.i32, address >> 2, 0, 1) === 0) return true;
    if (timeoutMs === 0) return false;
    throw new Error('fake backend: would block forever');
  };
  const fake: FakeBackend = {
    live,
    budget: Infinity,
    name: 'fake',
    heap,
    canBlock: true,
    isMain: true,
    nativeId: 1,
    alloc(request) {
      const size = Math.max(8, (request + 7) & ~7);
      if (used() + size > fake.budget) throw new RangeError('out of shared memory');
      let address = freed.get(size)?.pop();
      if (address === undefined) {
        if (top + size > buffer.byteLength) throw new RangeError('out of shared memory');
        address = top;
        top += size;
      }
      heap.u8.fill(0, address, address + size);
      live.set(address, size);
      return address;
    },
    free(address) {
      const size = live.get(address);
      if (size === undefined) throw new RangeError(`threadkit: free of an address that is not an allocated block (${address})`);
      live.delete(address);
      heap.u8.fill(0xee, address, address + size);
      let list = freed.get(size);
      if (list === undefined) freed.set(size, (list = []));
      list.push(address);
    },
    heapStats: () => ({ usedBytes: used(), sizeBytes: buffer.byteLength, capBytes: buffer.byteLength }),
    park(address, expected) {
      if (Atomics.load(heap.i32, address >> 2) !== expected) return 'not-equal';
      throw new Error('fake backend: would block forever');
    },
    parkAsync: async () => 'timed-out',
    unpark: () => 0,
    lockAcquire,
    lockAcquireAsync: async (address, timeoutMs) => lockAcquire(address, timeoutMs),
    lockRelease: (address) => Atomics.compareExchange(heap.i32, address >> 2, 1, 0) === 1,
    lockLocked: (address) => Atomics.load(heap.i32, address >> 2) !== 0,
    spawn() {
      throw new Error('fake backend: no threads');
    },
    writeStderr() {},
  };
  return fake;
}
