/**
 * Unit tests of the parking lot (src/parking/lot.ts) over the in-memory fake backend. The fake
 * never blocks: its `parkAsync` resolves at once, so an async park here re-checks its node in a
 * microtask loop until an `unpark` dequeues it or its time runs out — enough to check the lot's
 * bookkeeping exactly: FIFO order per key, keys that share a bucket, validation, timeouts that
 * take the waiter off the queue, and that nodes are reused (a wait allocates only when its
 * isolate has no spare node).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fakeBackend } from './fake-backend';
import { installBackend } from '../src/runtime';
import { countParked, park, parkAsync, parkedThreads, unpark } from '../src/parking/lot';
import { waitWordAsync, wakeWord } from '../src/parking/word';

const backend = fakeBackend();

/** Blocks in the heap (the lot's table and spare nodes included). */
function liveBlocks(): number {
  return backend.live.size;
}

/** Two keys that hash to the same bucket (the lot's hash: the top 8 bits of key × 0x9e3779b1). */
function collidingKeys(): [number, number] {
  const bucket = (key: number): number => Math.imul(key, 0x9e3779b1) >>> 24;
  const first = 4096;
  for (let key = first + 8; ; key += 8) if (bucket(key) === bucket(first)) return [first, key];
}

beforeAll(() => {
  installBackend(backend);
});

describe('parking lot', () => {
  it('wakes waiters of a key oldest first, exactly as many as asked; a second round allocates nothing', async () => {
    const round = async (): Promise<void> => {
      const order: number[] = [];
      const waits = [0, 1, 2].map((i) => parkAsync(8000, () => true, undefined, 50).then((outcome) => order.push(i) && outcome));
      expect(countParked(8000)).toBe(3);
      expect(unpark(8000, 2)).toBe(2);
      expect(countParked(8000)).toBe(1);
      expect(await Promise.all(waits)).toEqual(['unparked', 'unparked', 'timed-out']);
      expect(order).toEqual([0, 1, 2]);
      expect(countParked(8000)).toBe(0);
    };
    await round();
    const before = liveBlocks();
    await round();
    expect(liveBlocks()).toBe(before);
  });

  it('does not queue a waiter whose validation fails, and runs beforeSleep only for a queued one', async () => {
    let slept = 0;
    expect(await parkAsync(8008, () => false, () => slept++, Infinity)).toBe('invalid');
    expect(slept).toBe(0);
    expect(countParked(8008)).toBe(0);
    const wait = parkAsync(8008, () => true, () => slept++, Infinity);
    expect(slept).toBe(1);
    expect(unpark(8008, 1)).toBe(1);
    expect(await wait).toBe('unparked');
  });

  it('keeps keys that share a bucket apart', async () => {
    const [a, b] = collidingKeys();
    const waitA = parkAsync(a, () => true, undefined, 50);
    const waitB = parkAsync(b, () => true, undefined, Infinity);
    expect(unpark(b, 5)).toBe(1);
    expect(await waitB).toBe('unparked');
    expect(countParked(a)).toBe(1);
    expect(await waitA).toBe('timed-out');
    expect(countParked(a)).toBe(0);
  });

  it('says who waits on what', async () => {
    const wait = parkAsync(8016, () => true, undefined, Infinity);
    expect(parkedThreads()).toEqual([{ key: 8016, nativeId: backend.nativeId }]);
    unpark(8016, 1);
    await wait;
    expect(parkedThreads()).toEqual([]);
  });

  it('takes a waiter whose beforeSleep throws back off the queue', () => {
    const before = liveBlocks();
    expect(() =>
      park(8024, () => true, () => {
        throw new Error('release failed');
      }, Infinity),
    ).toThrow('release failed');
    expect(countParked(8024)).toBe(0);
    expect(liveBlocks()).toBe(before);
  });

  it('costs nothing to wake a key nobody waits on', () => {
    const before = liveBlocks();
    expect(unpark(8032, 1)).toBe(0);
    expect(wakeWord(8032)).toBe(0);
    expect(liveBlocks()).toBe(before);
  });

  it('word waits: return at once when the cell moved, else wait for a wake', async () => {
    const cell = backend.alloc(8);
    expect(await waitWordAsync(cell, 1, Infinity)).toBe('not-equal');
    const wait = waitWordAsync(cell, 0, Infinity);
    Atomics.store(backend.heap.i32, cell >> 2, 1);
    expect(wakeWord(cell, 1)).toBe(1);
    expect(await wait).toBe('ok');
    expect(await waitWordAsync(cell, 1, 10)).toBe('timed-out');
    backend.free(cell);
  });
});
