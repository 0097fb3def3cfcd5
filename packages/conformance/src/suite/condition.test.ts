import { describe, expect, it } from 'vitest';
import { Condition, Event, Lock, Queue, RLock, RuntimeError, Semaphore, Thread, Value } from '#backend';
import { since, SLACK_MS } from './support';

/** Starts `n` threads that each wait once on `c` (no predicate), then count themselves in `woke`. */
function waiters(c: Condition, n: number): { woke: Semaphore; threads: Thread[] } {
  const arrived = new Semaphore(0);
  const woke = new Semaphore(0);
  const threads = Array.from({ length: n }, () =>
    new Thread({
      target: (cond: Condition, a: Semaphore, w: Semaphore) => { cond.acquire(); a.release(); cond.wait(); cond.release(); w.release(); },
      args: [c, arrived, woke],
    }),
  );
  for (const t of threads) t.start();
  for (let i = 0; i < n; i++) if (!arrived.acquire(true, 10_000)) throw new Error("waiters never arrived");
  // Each waiter holds the condition's lock from before it signals until it waits, so once we own
  // the lock every waiter is inside wait().
  c.acquire();
  return { woke, threads };
}

describe('Condition', () => {
  it('wait() returns true when notified by another thread', () => {
    const c = new Condition();
    const value = new Value('i', 0);
    const q = new Queue();
    const t = new Thread({
      target: (cond: Condition, v: Value, out: Queue) => { cond.acquire(); while (v.value === 0) cond.wait(); out.put(v.value); cond.release(); },
      args: [c, value, q],
    });
    t.start();
    c.acquire();
    value.value = 5;
    c.notify();
    c.release();
    t.join();
    expect(q.get(true, 10_000)).toBe(5);
  });

  it('wait(timeout) returns false after at least the timeout and re-holds the lock', () => {
    const c = new Condition(new Lock());
    c.acquire();
    const t0 = performance.now();
    expect(c.wait(50)).toBe(false);
    expect(since(t0)).toBeGreaterThanOrEqual(50 - SLACK_MS);
    const q = new Queue();
    const t = new Thread({ target: (cond: Condition, out: Queue) => out.put(cond.acquire(false)), args: [c, q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBe(false);
    c.release();
  });

  it('wait(0) and negative timeouts poll', () => {
    const c = new Condition();
    c.acquire();
    expect(c.wait(0)).toBe(false);
    expect(c.wait(-1)).toBe(false);
    c.release();
  });

  it('notify(n) wakes at most n waiters', () => {
    const c = new Condition();
    const { woke, threads } = waiters(c, 3);
    c.notify(2);
    c.release();
    expect(woke.acquire(true, 10_000)).toBe(true);
    expect(woke.acquire(true, 10_000)).toBe(true);
    expect(woke.acquire(true, 50)).toBe(false);
    c.acquire();
    c.notify();
    c.release();
    expect(woke.acquire(true, 10_000)).toBe(true);
    for (const t of threads) t.join();
  });

  it('notify() with no argument wakes one waiter', () => {
    const c = new Condition();
    const { woke, threads } = waiters(c, 2);
    c.notify();
    c.release();
    expect(woke.acquire(true, 10_000)).toBe(true);
    expect(woke.acquire(true, 50)).toBe(false);
    c.acquire();
    c.notifyAll();
    c.release();
    expect(woke.acquire(true, 10_000)).toBe(true);
    for (const t of threads) t.join();
  });

  it('notifyAll() wakes every waiter', () => {
    const c = new Condition();
    const { woke, threads } = waiters(c, 4);
    c.notifyAll();
    c.release();
    for (let i = 0; i < 4; i++) expect(woke.acquire(true, 10_000)).toBe(true);
    for (const t of threads) t.join();
  });

  it('notify with no waiters does nothing', () => {
    const c = new Condition();
    c.acquire();
    c.notify();
    c.notify(5);
    c.notifyAll();
    c.release();
    expect(c.acquire(false)).toBe(true);
    c.release();
  });

  it('waitFor returns the predicate value once true', () => {
    const c = new Condition();
    const value = new Value('i', 0);
    const t = new Thread({
      target: (cond: Condition, v: Value) => { for (let i = 1; i <= 3; i++) { cond.acquire(); v.value = i; cond.notifyAll(); cond.release(); } },
      args: [c, value],
    });
    c.acquire();
    t.start();
    const result = c.waitFor(() => (value.value === 3 ? 'three' : 0));
    expect(result).toBe('three');
    c.release();
    t.join();
  });

  it('waitFor(predicate, timeout) returns the last (falsy) predicate value after at least the timeout', () => {
    const c = new Condition();
    c.acquire();
    const t0 = performance.now();
    expect(c.waitFor(() => 0, 40)).toBe(0);
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
    expect(c.waitFor(() => 'ready', 40)).toBe('ready');
    c.release();
  });

  it('waitAsync resolves true on notify, without blocking the event loop', async () => {
    const c = new Condition();
    const t = new Thread({ target: (cond: Condition) => { cond.acquire(); cond.notifyAll(); cond.release(); }, args: [c] });
    await c.acquireAsync();
    t.start();
    const woken = await c.waitAsync(10_000);
    expect(woken).toBe(true);
    c.release();
    await t.joinAsync();
  });

  it('waitAsync(timeout) resolves false after at least the timeout', async () => {
    const c = new Condition();
    await c.acquireAsync();
    const t0 = performance.now();
    expect(await c.waitAsync(40)).toBe(false);
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
    c.release();
  });

  it('waitForAsync waits for a predicate changed by another thread', async () => {
    const c = new Condition();
    const flag = new Value('i', 0);
    const go = new Event();
    const t = new Thread({ target: (cond: Condition, f: Value, g: Event) => { g.wait(); cond.acquire(); f.value = 1; cond.notify(); cond.release(); }, args: [c, flag, go] });
    t.start();
    await c.acquireAsync();
    go.set();
    expect(await c.waitForAsync(() => flag.value === 1)).toBe(true);
    c.release();
    await t.joinAsync();
  });

  it('works on an RLock held recursively (wait releases all levels, then restores them)', () => {
    const r = new RLock();
    const c = new Condition(r);
    const value = new Value('i', 0);
    r.acquire();
    r.acquire();
    const t = new Thread({ target: (cond: Condition, v: Value) => { cond.acquire(); v.value = 1; cond.notify(); cond.release(); }, args: [c, value] });
    t.start();
    expect(c.waitFor(() => value.value === 1, 10_000)).toBe(true);
    expect(String(r)).toContain('count=2');
    r.release();
    r.release();
    t.join();
  });

  it('hold() acquires the underlying lock for a using block', () => {
    const lock = new Lock();
    const c = new Condition(lock);
    {
      using _g = c.hold();
      expect(lock.locked()).toBe(true);
    }
    expect(lock.locked()).toBe(false);
  });

  it('holdAsync() acquires the underlying lock without blocking the event loop', async () => {
    const lock = new Lock();
    const c = new Condition(lock);
    {
      using _g = await c.holdAsync();
      expect(lock.locked()).toBe(true);
    }
    expect(lock.locked()).toBe(false);
  });

  it('waitForAsync(predicate, timeout) resolves with the last falsy value after at least the timeout', async () => {
    const c = new Condition();
    await c.acquireAsync();
    const t0 = performance.now();
    expect(await c.waitForAsync(() => '', 40)).toBe('');
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
    c.release();
  });

  it('wait() without holding the lock throws RuntimeError("cannot wait on un-acquired lock")', () => {
    const c = new Condition();
    expect(() => c.wait()).toThrow(RuntimeError);
    expect(() => c.wait(10)).toThrow('cannot wait on un-acquired lock');
  });

  it('notify() without holding the lock throws RuntimeError("cannot notify on un-acquired lock")', () => {
    const c = new Condition();
    expect(() => c.notify()).toThrow('cannot notify on un-acquired lock');
    expect(() => c.notifyAll()).toThrow(RuntimeError);
  });

  it('a condition passed to another thread is the same condition', () => {
    const c = new Condition();
    const q = new Queue();
    const t = new Thread({ target: (cond: Condition, out: Queue) => out.put(cond), args: [c, q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBe(c);
  });

  it('a Condition used locally (notify, polls) is then waited on by another thread and notified here', () => {
    for (const c of [new Condition(), new Condition(new Lock())]) {
      c.acquire();
      c.notify();
      c.notifyAll();
      expect(c.wait(0)).toBe(false);
      expect(c.waitFor(() => 0, 0)).toBe(0);
      c.release();
      const { woke, threads } = waiters(c, 1);
      c.notify();
      c.release();
      expect(woke.acquire(true, 10_000)).toBe(true);
      for (const t of threads) t.join();
    }
  });

  it('a local Condition over a held local Lock, sent to a thread: the lock is held there', () => {
    const c = new Condition(new Lock());
    c.acquire();
    const q = new Queue();
    const step = new Semaphore(0);
    const t = new Thread({
      target: (cond: Condition, out: Queue, go: Semaphore) => {
        out.put(cond.acquire(false));
        go.acquire(true, 10_000);
        out.put(cond.acquire(false));
        cond.release();
      },
      args: [c, q, step],
    });
    t.start();
    expect(q.get(true, 10_000)).toBe(false);
    c.release();
    step.release();
    expect(q.get(true, 10_000)).toBe(true);
    t.join();
  });

  it('a timed wait on a local Condition makes it and its RLock shared, keeping the depth it restores', () => {
    const c = new Condition();
    c.acquire();
    c.acquire();
    expect(c.wait(20)).toBe(false);
    expect(String(c)).toMatch(/^<Condition\(<RLock locked owner=\d+ count=2>, 0\)>$/);
    const q = new Queue();
    const step = new Semaphore(0);
    const t = new Thread({
      target: (cond: Condition, out: Queue, go: Semaphore) => {
        out.put(cond.acquire(false));
        go.acquire(true, 10_000);
        cond.acquire();
        out.put('held');
        cond.wait(10_000);
        cond.release();
      },
      args: [c, q, step],
    });
    t.start();
    expect(q.get(true, 10_000)).toBe(false);
    c.release();
    c.release();
    step.release();
    expect(q.get(true, 10_000)).toBe('held');
    // The thread holds the lock from before 'held' until it waits.
    c.acquire();
    c.notify();
    c.release();
    t.join();
  });
});
