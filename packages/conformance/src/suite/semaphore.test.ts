import { describe, expect, it } from 'vitest';
import { BoundedSemaphore, Event, Queue, Semaphore, Thread, Value } from '#backend';
import { since, SLACK_MS } from './support';

describe('Semaphore', () => {
  it('defaults to value 1', () => {
    const s = new Semaphore();
    expect(String(s)).toBe('<Semaphore value=1>');
    expect(s.acquire()).toBe(true);
    expect(s.acquire(false)).toBe(false);
    s.release();
  });

  it('counts down on acquire and up on release', () => {
    const s = new Semaphore(2);
    expect(s.acquire()).toBe(true);
    expect(String(s)).toBe('<Semaphore value=1>');
    expect(s.acquire()).toBe(true);
    expect(s.acquire(false)).toBe(false);
    s.release();
    expect(String(s)).toBe('<Semaphore value=1>');
    s.release();
    s.release();
    expect(String(s)).toBe('<Semaphore value=3>');
  });

  it('release(n) adds n at once and wakes up to n waiters', () => {
    const s = new Semaphore(0);
    const done = new Semaphore(0);
    const threads = Array.from({ length: 3 }, () =>
      new Thread({ target: (sem: Semaphore, d: Semaphore) => { sem.acquire(); d.release(); }, args: [s, done] }),
    );
    for (const t of threads) t.start();
    s.release(3);
    for (let i = 0; i < 3; i++) expect(done.acquire(true, 10_000)).toBe(true);
    for (const t of threads) t.join();
    expect(String(s)).toBe('<Semaphore value=0>');
  });

  it('acquire(true, timeout) returns false after at least the timeout', () => {
    const s = new Semaphore(0);
    const t0 = performance.now();
    expect(s.acquire(true, 50)).toBe(false);
    expect(since(t0)).toBeGreaterThanOrEqual(50 - SLACK_MS);
  });

  it('acquire with a zero or negative timeout polls', () => {
    const s = new Semaphore(0);
    expect(s.acquire(true, 0)).toBe(false);
    expect(s.acquire(true, -1)).toBe(false);
    s.release();
    expect(s.acquire(true, -1)).toBe(true);
  });

  it('a blocked acquirer proceeds when another thread releases', () => {
    const s = new Semaphore(0);
    const got = new Event();
    const t = new Thread({ target: (sem: Semaphore, g: Event) => { sem.acquire(); g.set(); }, args: [s, got] });
    t.start();
    expect(got.wait(20)).toBe(false);
    s.release();
    expect(got.wait(10_000)).toBe(true);
    t.join();
  });

  it('limits concurrency: never more than N holders at once', () => {
    const s = new Semaphore(2);
    const inside = new Value('i', 0);
    const maxInside = new Value('i', 0);
    const threads = Array.from({ length: 6 }, () =>
      new Thread({
        target: (sem: Semaphore, cur: Value, max: Value) => {
          for (let i = 0; i < 200; i++) {
            sem.acquire();
            const now = cur.add(1) + 1;
            for (let m = max.load(); now > m; m = max.load()) if (max.compareExchange(m, now) === m) break;
            cur.sub(1);
            sem.release();
          }
        },
        args: [s, inside, maxInside],
      }),
    );
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    expect(maxInside.value).toBeGreaterThanOrEqual(1);
    expect(maxInside.value).toBeLessThanOrEqual(2);
    expect(inside.value).toBe(0);
    expect(String(s)).toBe('<Semaphore value=2>');
  });

  it('acquireAsync resolves when released by another thread', async () => {
    const s = new Semaphore(0);
    const pending = s.acquireAsync();
    const t = new Thread({ target: (sem: Semaphore) => sem.release(), args: [s] });
    t.start();
    expect(await pending).toBe(true);
    await t.joinAsync();
  });

  it('acquireAsync(true, timeout) resolves false after at least the timeout; acquireAsync(false) polls', async () => {
    const s = new Semaphore(0);
    const t0 = performance.now();
    expect(await s.acquireAsync(true, 40)).toBe(false);
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
    expect(await s.acquireAsync(false)).toBe(false);
  });

  it('hold() takes one unit for a using block', () => {
    const s = new Semaphore(1);
    {
      using _g = s.hold();
      expect(s.acquire(false)).toBe(false);
    }
    expect(s.acquire(false)).toBe(true);
  });

  it('holdAsync() takes one unit and gives it back at the end of the block', async () => {
    const s = new Semaphore(1);
    {
      using _g = await s.holdAsync();
      expect(String(s)).toBe('<Semaphore value=0>');
    }
    expect(String(s)).toBe('<Semaphore value=1>');
  });

  it('a plain Semaphore may be released above its initial value', () => {
    const s = new Semaphore(1);
    s.release();
    expect(String(s)).toBe('<Semaphore value=2>');
  });

  it('is the same object in another thread', () => {
    const s = new Semaphore(3);
    const q = new Queue();
    const t = new Thread({ target: (sem: Semaphore, out: Queue) => { sem.acquire(); out.put(sem); }, args: [s, q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBe(s);
    expect(String(s)).toBe('<Semaphore value=2>');
  });
});

describe('BoundedSemaphore', () => {
  it('behaves as a semaphore within its bound; repr shows value/bound', () => {
    const b = new BoundedSemaphore(2);
    expect(String(b)).toBe('<BoundedSemaphore value=2/2>');
    b.acquire();
    expect(String(b)).toBe('<BoundedSemaphore value=1/2>');
    b.release();
    expect(String(b)).toBe('<BoundedSemaphore value=2/2>');
  });

  it('release above the initial value throws RangeError("Semaphore released too many times") and changes nothing', () => {
    const b = new BoundedSemaphore(1);
    expect(() => b.release()).toThrow(RangeError);
    expect(() => b.release()).toThrow('Semaphore released too many times');
    expect(String(b)).toBe('<BoundedSemaphore value=1/1>');
  });

  it('release(n) that would pass the bound throws and changes nothing', () => {
    const b = new BoundedSemaphore(3);
    b.acquire();
    expect(() => b.release(2)).toThrow('Semaphore released too many times');
    expect(String(b)).toBe('<BoundedSemaphore value=2/3>');
    b.release(1);
    expect(String(b)).toBe('<BoundedSemaphore value=3/3>');
  });

  it('defaults to value 1', () => {
    expect(String(new BoundedSemaphore())).toBe('<BoundedSemaphore value=1/1>');
  });

  it('a local Semaphore(3) with 2 taken, sent to a thread: exactly one more acquire succeeds there without blocking', () => {
    const s = new Semaphore(3);
    s.acquire();
    s.acquire();
    const q = new Queue();
    const t = new Thread({
      target: (sem: Semaphore, out: Queue) => out.put([String(sem), sem.acquire(false), sem.acquire(false), String(sem)]),
      args: [s, q],
    });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toEqual(['<Semaphore value=1>', true, false, '<Semaphore value=0>']);
    expect(s.acquire(false)).toBe(false);
    s.release(3);
    expect(String(s)).toBe('<Semaphore value=3>');
  });

  it('a local empty Semaphore waited on with a timeout is shared: a thread it is sent to releases the waiter', async () => {
    const s = new Semaphore(0);
    const pending = s.acquireAsync(true, 10_000);
    const t = new Thread({ target: (sem: Semaphore) => sem.release(), args: [s] });
    t.start();
    expect(await pending).toBe(true);
    await t.joinAsync();
    expect(String(s)).toBe('<Semaphore value=0>');
  });

  it('a local BoundedSemaphore sent with one unit taken: one release there, the next is refused', () => {
    const s = new BoundedSemaphore(2);
    s.acquire();
    const q = new Queue();
    const t = new Thread({
      target: (sem: BoundedSemaphore, out: Queue) => {
        sem.release();
        try { sem.release(); out.put('released twice'); } catch (e) { out.put([(e as Error).name, (e as Error).message, String(sem)]); }
      },
      args: [s, q],
    });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toEqual(['RangeError', 'Semaphore released too many times', '<BoundedSemaphore value=2/2>']);
    expect(() => s.release()).toThrow('Semaphore released too many times');
  });
});
