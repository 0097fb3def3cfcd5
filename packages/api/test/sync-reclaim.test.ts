/**
 * Unit tests of how RLock, Semaphore, BoundedSemaphore, Condition and Barrier use the heap, over
 * an in-memory fake backend that counts live blocks: a local object takes none, a shared one
 * takes its block (and a Condition its lock's, a Barrier its action spec's), and all of them
 * come back once no view or stored value names them. A "thread" is a re-import of the api
 * modules after `vi.resetModules()` over the same heap, as in shared-data.test.ts.
 */
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { fakeBackend } from './fake-backend';

const backend = fakeBackend();

/** The api as a fresh thread with ident `ident` sees it: new module instances over the same heap. */
async function thread(ident: number) {
  vi.resetModules();
  (await import('../src/runtime')).installBackend(backend);
  (await import('../src/threading/current')).setCurrentThread(undefined, ident);
  return {
    ...(await import('../src/codec')),
    ...(await import('../src/handle')),
    ...(await import('../src/sync/lock')),
    ...(await import('../src/sync/rlock')),
    ...(await import('../src/sync/semaphore')),
    ...(await import('../src/sync/condition')),
    ...(await import('../src/sync/barrier')),
    errors: await import('../src/errors'),
  };
}

let a: Awaited<ReturnType<typeof thread>>;
let b: Awaited<ReturnType<typeof thread>>;

beforeAll(async () => {
  a = await thread(1);
  b = await thread(2);
});

/** Stores `value` in thread a, revives it in thread b and frees the stored copy; b's copy. */
function send<T>(value: T): T {
  const stored = a.storeValue(value);
  const there = b.loadValue(stored) as T;
  a.freeValue(stored);
  return there;
}

/** Drops the references of views (thread a's or b's), as their collection would. */
function drop(...views: object[]): void {
  for (const view of views) expect(a.dropReference(view as never) || b.dropReference(view as never)).toBe(true);
}

/** The lock a Condition (or its view) uses. */
function lockOf(cond: object): object {
  return (cond as { lock: object }).lock;
}

describe('local first: no block until shared', () => {
  it('RLock, Semaphore, BoundedSemaphore, Condition and Barrier used locally take no heap', () => {
    const { BrokenBarrierError } = a.errors;
    const before = backend.live.size;
    const r = new a.RLock();
    r.acquire();
    r.acquire();
    expect(String(r)).toBe('<RLock locked owner=1 count=2>');
    r.release();
    r.release();
    expect(() => r.release()).toThrow('cannot release un-acquired lock');
    const s = new a.Semaphore(2);
    s.acquire();
    expect(s.acquire(true, 50)).toBe(true);
    expect(s.acquire(false)).toBe(false);
    s.release(2);
    const bs = new a.BoundedSemaphore(1);
    expect(() => bs.release()).toThrow('Semaphore released too many times');
    const c = new a.Condition();
    c.acquire();
    c.notifyAll();
    expect(c.wait(0)).toBe(false);
    expect(c.waitFor(() => 0, 0)).toBe(0);
    expect(String(c)).toBe('<Condition(<RLock locked owner=1 count=1>, 0)>');
    c.release();
    const counter = globalThis as { barrierRuns?: number };
    counter.barrierRuns = 0;
    const one = new a.Barrier(1, () => {
      (globalThis as { barrierRuns?: number }).barrierRuns!++;
    });
    expect(one.wait()).toBe(0);
    one.abort();
    expect(() => one.wait()).toThrow(BrokenBarrierError);
    one.reset();
    expect(one.wait()).toBe(0);
    expect(counter.barrierRuns).toBe(2);
    expect(() => new a.Barrier(2).wait(0)).toThrow(BrokenBarrierError);
    expect(backend.live.size).toBe(before);
  });
});

describe('shared blocks come back once nothing names them', () => {
  it('an RLock sent held keeps its owner and depth, and is freed with its last view', () => {
    const before = backend.live.size;
    const r = new a.RLock();
    r.acquire();
    r.acquire();
    const there = send(r);
    expect(backend.live.size).toBe(before + 1);
    expect(String(there)).toBe('<RLock locked owner=1 count=2>');
    expect(there.acquire(false)).toBe(false);
    r.release();
    r.release();
    expect(there.acquire(false)).toBe(true);
    there.release();
    drop(r);
    expect(backend.live.size).toBe(before + 1);
    drop(there);
    expect(backend.live.size).toBe(before);
  });

  it('Semaphore and BoundedSemaphore keep their value and bound, and are freed', () => {
    const before = backend.live.size;
    const s = new a.Semaphore(3);
    s.acquire();
    s.acquire();
    const bs = new a.BoundedSemaphore(2);
    bs.acquire();
    const [s2, bs2] = send([s, bs]);
    expect(String(s2)).toBe('<Semaphore value=1>');
    expect(s2.acquire(false)).toBe(true);
    expect(s.acquire(false)).toBe(false);
    expect(String(bs2)).toBe('<BoundedSemaphore value=1/2>');
    bs2.release();
    expect(() => bs.release()).toThrow('Semaphore released too many times');
    expect(backend.live.size).toBe(before + 2);
    drop(s, bs, s2, bs2);
    expect(backend.live.size).toBe(before);
  });

  it('a Condition takes its block and its lock, and gives back both (the lock when its own views go too)', () => {
    const before = backend.live.size;
    const c = new a.Condition(new a.Lock());
    c.acquire();
    const there = send(c);
    expect(backend.live.size).toBe(before + 2);
    expect(lockOf(there).toString()).toBe('<Lock locked>');
    c.release();
    drop(c, there);
    // The block is gone; the locks' views still name the lock.
    expect(backend.live.size).toBe(before + 1);
    drop(lockOf(c), lockOf(there));
    expect(backend.live.size).toBe(before);
  });

  it('a Barrier takes its block and its action spec, and gives back both', () => {
    const before = backend.live.size;
    const barrier = new a.Barrier(2, () => 1, 500);
    const there = send(barrier);
    expect(backend.live.size).toBe(before + 2);
    expect(there.parties).toBe(2);
    there.abort();
    expect(barrier.broken).toBe(true);
    drop(barrier);
    expect(backend.live.size).toBe(before + 2);
    drop(there);
    expect(backend.live.size).toBe(before);
  });

  it('a stored value naming a Condition or Barrier keeps it alive until freed', () => {
    const before = backend.live.size;
    const c = new a.Condition();
    const barrier = new a.Barrier(3);
    const stored = a.storeValue([c, barrier]);
    drop(c, barrier);
    expect(backend.live.size).toBe(before + 4);
    a.freeValue(stored);
    // The RLock's view (c's) still names it.
    expect(backend.live.size).toBe(before + 1);
    drop(lockOf(c));
    expect(backend.live.size).toBe(before);
  });
});
