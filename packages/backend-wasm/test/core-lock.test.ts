/** The core lock and parking, run in wasm; what a thread that may not block does. */
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { freshBackend } from './support';

describe('core lock', () => {
  it('acquires, fails to re-acquire, releases, and reports release of an unlocked lock', () => {
    const b = freshBackend();
    const lock = b.alloc(4);
    expect(b.lockAcquire(lock, 0)).toBe(true);
    expect(b.lockLocked(lock)).toBe(true);
    expect(b.lockAcquire(lock, 0)).toBe(false);
    expect(b.lockRelease(lock)).toBe(true);
    expect(b.lockRelease(lock)).toBe(false);
    expect(b.lockLocked(lock)).toBe(false);
  });

  it('a timed acquire of a held lock waits at least its timeout (parking in wasm), then fails', () => {
    const b = freshBackend();
    const lock = b.alloc(4);
    b.lockAcquire(lock, 0);
    const start = performance.now();
    expect(b.lockAcquire(lock, 60)).toBe(false);
    expect(performance.now() - start).toBeGreaterThanOrEqual(55);
  });

  it('an async acquire is woken by a release done in wasm', async () => {
    const b = freshBackend();
    const lock = b.alloc(4);
    b.lockAcquire(lock, 0);
    const pending = b.lockAcquireAsync(lock, Infinity);
    setTimeout(() => b.lockRelease(lock), 20);
    expect(await pending).toBe(true);
    expect(b.lockLocked(lock)).toBe(true);
  });

  it('park reports not-equal and timed-out with the SPI words', () => {
    const b = freshBackend();
    const cell = b.alloc(4);
    expect(b.park(cell, 1, 10)).toBe('not-equal');
    expect(b.park(cell, 0, 10)).toBe('timed-out');
  });

  it('where the thread may not block, sync waits throw naming the …Async form; tries and async forms work', async () => {
    const b = freshBackend({ canBlock: false });
    const lock = b.alloc(4);
    expect(b.lockAcquire(lock, Infinity)).toBe(true);
    expect(b.lockAcquire(lock, 0)).toBe(false);
    // Held past the short spin such a thread allows itself (here by the caller itself): it throws.
    expect(() => b.lockAcquire(lock, Infinity)).toThrow(/Async/);
    // Released by another thread while this one spins (a race on an internal lock): taken. The
    // other thread is spinning already and lets go as soon as it sees `go`, set just before.
    const flags = b.alloc(8);
    const [ready, go] = [flags >> 2, (flags >> 2) + 1];
    const other = new Worker(
      `const { workerData: { buffer, lock, ready, go } } = require('node:worker_threads');
       const i32 = new Int32Array(buffer);
       Atomics.store(i32, ready, 1);
       Atomics.notify(i32, ready);
       while (Atomics.load(i32, go) === 0);
       Atomics.store(i32, lock, 0);`,
      { eval: true, workerData: { buffer: b.heap.buffer, lock: lock >> 2, ready, go } },
    );
    const i32 = new Int32Array(b.heap.buffer);
    await Atomics.waitAsync(i32, ready, 0).value;
    Atomics.store(i32, go, 1);
    expect(b.lockAcquire(lock, Infinity)).toBe(true);
    await new Promise((resolve) => other.once('exit', resolve));
    expect(() => b.park(lock, 1, 10)).toThrow(/Async/);
    expect(await b.parkAsync(lock, 1, 10)).toBe('timed-out');
    // Internal locks (the allocator's) spin instead of parking.
    expect(b.alloc(8)).toBeGreaterThan(0);
  });
});
