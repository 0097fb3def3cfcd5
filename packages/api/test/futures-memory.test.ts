/**
 * Unit tests of when a Future holds a heap block, over an in-memory fake backend that counts
 * live blocks. A "thread" is simulated by re-importing the api modules after `vi.resetModules()`
 * (fresh handle table over the same heap), as in shared-data.test.ts; values cross threads with
 * storeValue/loadValue, as the codec carries them.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBackend } from './fake-backend';

const backend = fakeBackend();

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
    ...(await import('../src/spare-blocks')),
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

/** Live blocks, once each thread has given back the future blocks it keeps for reuse (spare-blocks.ts). */
function blocks(): number {
  a?.freeSpareBlocks();
  b?.freeSpareBlocks();
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

  it('a thread keeps up to 64 future blocks it let go of for its next futures, and gives them back when told', () => {
    const start = blocks();
    const roundTrip = (): void => {
      const f = new a.Future<undefined>();
      send(f).setResult(undefined); // an undefined result takes no block of its own
      expect(f.result()).toBeUndefined();
    };
    for (let i = 0; i < 100; i++) roundTrip();
    // Without giving the spares back: at most 64 kept, and new futures reuse them.
    expect(backend.live.size - start).toBeGreaterThan(0);
    expect(backend.live.size - start).toBeLessThanOrEqual(64);
    const kept = backend.live.size;
    for (let i = 0; i < 100; i++) roundTrip();
    expect(backend.live.size).toBe(kept);
    expect(blocks()).toBe(start);
  });

  it('a list kept on the main thread only gives every block straight back on another thread', () => {
    const freed: number[] = [];
    const worker = { isMain: false, free: (address: number) => freed.push(address) } as unknown as import('../src/spi').Backend;
    const spares = new a.SpareBlocks(4, true);
    spares.keep(worker, 8);
    spares.keep(worker, 16);
    expect(freed).toEqual([8, 16]);
    expect(spares.take(worker)).toBe(0);
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
