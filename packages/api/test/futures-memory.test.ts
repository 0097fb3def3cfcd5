/**
 * Unit tests of when a Future holds a heap block, over an in-memory fake backend that counts
 * live blocks. A "thread" is simulated by re-importing the api modules after `vi.resetModules()`
 * (fresh handle table over the same heap), as in shared-data.test.ts; values cross threads with
 * storeValue/loadValue, as the codec carries them.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { Backend, Heap } from '../src/spi';

/** A single-threaded backend whose allocator knows which blocks are live. */
function countingBackend(): Backend & { live: Set<number> } {
  const buffer = new SharedArrayBuffer(1 << 20);
  const heap: Heap = {
    buffer,
    u8: new Uint8Array(buffer),
    i32: new Int32Array(buffer),
    u32: new Uint32Array(buffer),
    f64: new Float64Array(buffer),
    i64: new BigInt64Array(buffer),
  };
  const live = new Set<number>();
  const freed: number[] = [];
  let top = 256;
  const lockAcquire = (address: number, timeoutMs: number): boolean => {
    if (Atomics.compareExchange(heap.i32, address >> 2, 0, 1) === 0) return true;
    if (timeoutMs === 0) return false;
    throw new Error('fake backend: would block forever');
  };
  return {
    live,
    name: 'counting',
    heap,
    canBlock: true,
    isMain: true,
    nativeId: 1,
    alloc(bytes) {
      // Reuse freed blocks first (a future's address comes back to the next future), 128 bytes each.
      if (bytes > 128) throw new Error('fake backend: block too large');
      const address = freed.pop() ?? ((top += 128) - 128);
      heap.u8.fill(0, address, address + 128);
      live.add(address);
      return address;
    },
    free(address) {
      if (!live.delete(address)) throw new Error(`double free of ${address}`);
      freed.push(address);
    },
    heapStats: () => ({ usedBytes: live.size * 128, sizeBytes: buffer.byteLength, capBytes: buffer.byteLength }),
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
}

const backend = countingBackend();

/** The api as a fresh thread sees it: new module instances over the same heap. */
async function thread() {
  vi.resetModules();
  const runtime = await import('../src/runtime');
  runtime.installBackend(backend);
  return {
    ...(await import('../src/futures/future')),
    ...(await import('../src/futures/wait')),
    ...(await import('../src/futures/as-completed')),
    ...(await import('../src/codec')),
  };
}

let a: Awaited<ReturnType<typeof thread>>;
let b: Awaited<ReturnType<typeof thread>>;

beforeAll(async () => {
  a = await thread();
  b = await thread();
});

/** Sends `value` from thread `from` to thread `to` through the heap, as a queue item does. */
function send<T>(value: T, from = a, to = b): T {
  const stored = from.storeValue(value);
  const received = to.loadValue(stored) as T;
  to.freeValue(stored);
  return received;
}

function blocks(): number {
  return backend.live.size;
}

describe('Future blocks', () => {
  it('a future never shared takes no block, whatever happens to it', () => {
    const start = blocks();
    const f = new a.Future<number>();
    f.addDoneCallback(() => undefined);
    expect(f.setRunningOrNotifyCancel()).toBe(true);
    f.setResult(1);
    expect([f.result(), f.result(0), String(f)]).toEqual([1, 1, '<Future state=finished returned number>']);
    const c = new a.Future();
    c.cancel();
    expect(c.setRunningOrNotifyCancel()).toBe(false);
    expect(a.wait([f, c], 0).done.size).toBe(2);
    expect([...a.asCompleted([c])]).toEqual([c]);
    expect(blocks()).toBe(start);
  });

  it('a shared future is freed once every view has seen it final', () => {
    const start = blocks();
    const f = new a.Future<{ n: number }>();
    const there = send(f);
    expect(blocks()).toBe(start + 1);
    there.setResult({ n: 1 });
    expect(blocks()).toBe(start + 2); // the block and the stored result
    const r = f.result();
    expect(r).toEqual({ n: 1 });
    expect(f.result()).toBe(r);
    expect(blocks()).toBe(start);
    expect(there.result()).toEqual({ n: 1 });
  });

  it('a view that let go makes a new, finished block when sent again; every receipt is the same view', () => {
    const start = blocks();
    const f = new a.Future<string>();
    const there = send(f);
    there.setResult('x');
    expect(f.result()).toBe('x');
    expect(blocks()).toBe(start);
    // Sent again: a new block for the same future, which a's view holds until it next looks.
    const stored = a.storeValue([f, f]);
    const [again, twice] = b.loadValue(stored) as [typeof f, typeof f];
    b.freeValue(stored);
    expect(twice).toBe(again);
    expect(again).toBe(there);
    expect(again.result()).toBe('x');
    // Back to a (b let go, so it makes a third block): a's own view, by the future's id.
    expect(send(again, b, a)).toBe(f);
    expect(f.result()).toBe('x');
    // b's view holds the third block until its next look or b's next safe point (a new Future).
    expect(blocks()).toBe(start + 2);
    new b.Future();
    expect(blocks()).toBe(start);
    expect(send(again, b, a)).toBe(f);
    expect(again.done()).toBe(true);
    expect(blocks()).toBe(start);
  });

  it('a reused address is not mistaken for a future that let go of it', () => {
    const start = blocks();
    const f = new a.Future<number>();
    const there = send(f);
    f.setResult(1);
    expect(there.result()).toBe(1);
    expect(f.result()).toBe(1);
    expect(blocks()).toBe(start);
    // A new future's block reuses the freed address; b must not take it for `there`.
    const g = new a.Future<number>();
    const gThere = send(g);
    expect(gThere).not.toBe(there);
    expect(gThere.done()).toBe(false);
    g.setResult(2);
    expect(gThere.result()).toBe(2);
    expect(there.result()).toBe(1);
  });

  it('wait() and asCompleted() keep a pending future pinned, and let it go after', () => {
    const start = blocks();
    const f = new a.Future<number>();
    const there = send(f);
    expect(a.wait([f], 0).notDone.has(f)).toBe(true);
    there.setResult(3);
    expect(a.wait([f], 1).done.has(f)).toBe(true);
    expect([...b.asCompleted([there])]).toEqual([there]);
    expect(f.result() + there.result()).toBe(6);
    expect(blocks()).toBe(start);
  });

  it('a cancelled shared future is kept until notified, then freed', () => {
    const start = blocks();
    const f = new a.Future();
    const there = send(f);
    expect(f.cancel()).toBe(true);
    expect(f.cancelled()).toBe(true);
    expect(blocks()).toBe(start + 1);
    expect(there.setRunningOrNotifyCancel()).toBe(false);
    expect(blocks()).toBe(start + 1);
    expect(f.done()).toBe(true);
    expect(blocks()).toBe(start);
    expect(() => f.setRunningOrNotifyCancel()).toThrow('Future in unexpected state');
  });
});
