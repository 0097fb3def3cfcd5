import { describe, expect, it } from 'vitest';
import { Event, getIdent, Queue, RLock, RuntimeError, Semaphore, Thread, Value } from '#backend';
import { since, SLACK_MS } from './support';

describe('RLock', () => {
  it('the owner may acquire it again; it is free after as many releases', () => {
    const r = new RLock();
    expect(r.acquire()).toBe(true);
    expect(r.acquire()).toBe(true);
    expect(r.acquire(false)).toBe(true);
    r.release();
    r.release();
    const q = new Queue();
    const probe = (lock: RLock, out: Queue) => out.put(lock.acquire(false));
    const t = new Thread({ target: probe, args: [r, q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBe(false);
    r.release();
    const u = new Thread({ target: (lock: RLock, out: Queue) => { const ok = lock.acquire(false); if (ok) lock.release(); out.put(ok); }, args: [r, q] });
    u.start();
    u.join();
    expect(q.get(true, 10_000)).toBe(true);
  });

  it('another thread cannot take it while owned; acquire(true, timeout) waits at least the timeout', () => {
    const r = new RLock();
    r.acquire();
    const q = new Queue();
    const t = new Thread({
      target: (lock: RLock, out: Queue) => { const t0 = performance.now(); const ok = lock.acquire(true, 40); out.put([ok, performance.now() - t0]); },
      args: [r, q],
    });
    t.start();
    t.join();
    const [ok, waited] = q.get(true, 10_000) as [boolean, number];
    expect(ok).toBe(false);
    expect(waited).toBeGreaterThanOrEqual(40 - SLACK_MS);
    r.release();
  });

  it('release by a thread that does not own it throws RuntimeError("cannot release un-acquired lock")', () => {
    const r = new RLock();
    r.acquire();
    const q = new Queue();
    const t = new Thread({
      target: (lock: RLock, out: Queue) => { try { lock.release(); out.put('released'); } catch (e) { out.put([(e as Error).name, (e as Error).message]); } },
      args: [r, q],
    });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toEqual(['RuntimeError', 'cannot release un-acquired lock']);
    r.release();
  });

  it('release of an un-acquired RLock throws RuntimeError', () => {
    const r = new RLock();
    expect(() => r.release()).toThrow(RuntimeError);
    expect(() => r.release()).toThrow('cannot release un-acquired lock');
  });

  it('repr shows owner ident and count', () => {
    const r = new RLock();
    expect(String(r)).toBe('<RLock unlocked owner=0 count=0>');
    r.acquire();
    r.acquire();
    expect(String(r)).toBe(`<RLock locked owner=${getIdent()} count=2>`);
    r.release();
    r.release();
  });

  it('a blocked acquirer in another thread gets it after the owner releases fully', () => {
    const r = new RLock();
    r.acquire();
    r.acquire();
    const got = new Event();
    const t = new Thread({ target: (lock: RLock, g: Event) => { lock.acquire(); g.set(); lock.release(); }, args: [r, got] });
    t.start();
    r.release();
    expect(got.wait(30)).toBe(false);
    r.release();
    expect(got.wait(10_000)).toBe(true);
    t.join();
  });

  it('acquireAsync is re-entrant for the owner and waits for another owner', async () => {
    const r = new RLock();
    expect(await r.acquireAsync()).toBe(true);
    expect(await r.acquireAsync()).toBe(true);
    r.release();
    r.release();
    const held = new Event();
    const release = new Event();
    const t = new Thread({ target: (lock: RLock, h: Event, rel: Event) => { lock.acquire(); h.set(); rel.wait(); lock.release(); }, args: [r, held, release] });
    t.start();
    await held.waitAsync();
    expect(await r.acquireAsync(false)).toBe(false);
    const pending = r.acquireAsync();
    release.set();
    expect(await pending).toBe(true);
    r.release();
    await t.joinAsync();
  });

  it('acquireAsync(true, timeout) resolves false after at least the timeout when owned elsewhere', async () => {
    const r = new RLock();
    const held = new Event();
    const release = new Event();
    const t = new Thread({ target: (lock: RLock, h: Event, rel: Event) => { lock.acquire(); h.set(); rel.wait(); lock.release(); }, args: [r, held, release] });
    t.start();
    await held.waitAsync();
    const t0 = performance.now();
    expect(await r.acquireAsync(true, 40)).toBe(false);
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
    release.set();
    await t.joinAsync();
  });

  it('hold() nests and releases each level with using', () => {
    const r = new RLock();
    {
      using _outer = r.hold();
      {
        using _inner = r.hold();
        expect(String(r)).toContain('count=2');
      }
      expect(String(r)).toContain('count=1');
    }
    expect(String(r)).toBe('<RLock unlocked owner=0 count=0>');
  });

  it('holdAsync() gives a guard', async () => {
    const r = new RLock();
    {
      using _g = await r.holdAsync();
      expect(String(r)).toContain('count=1');
    }
    expect(String(r)).toBe('<RLock unlocked owner=0 count=0>');
  });

  it('guards recursive critical sections across threads: counters stay exact', () => {
    const r = new RLock();
    const counter = new Value('i', 0);
    const threads = Array.from({ length: 3 }, () =>
      new Thread({
        target: (lock: RLock, c: Value, n: number) => {
          for (let i = 0; i < n; i++) { lock.acquire(); lock.acquire(); c.value = c.value + 1; lock.release(); lock.release(); }
        },
        args: [r, counter, 1500],
      }),
    );
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    expect(counter.value).toBe(4500);
  });

  it('a local RLock held twice and then sent: the thread sees owner and depth, and gets it only after both releases', () => {
    const r = new RLock();
    r.acquire();
    r.acquire();
    const q = new Queue();
    const step = new Semaphore(0);
    const t = new Thread({
      target: (lock: RLock, out: Queue, go: Semaphore) => {
        out.put([lock.acquire(false), String(lock)]);
        go.acquire(true, 10_000);
        out.put(lock.acquire(false));
        go.acquire(true, 10_000);
        out.put(lock.acquire(false));
        lock.release();
      },
      args: [r, q, step],
    });
    t.start();
    expect(q.get(true, 10_000)).toEqual([false, `<RLock locked owner=${getIdent()} count=2>`]);
    r.release();
    step.release();
    expect(q.get(true, 10_000)).toBe(false);
    r.release();
    step.release();
    expect(q.get(true, 10_000)).toBe(true);
    t.join();
    expect(String(r)).toBe('<RLock unlocked owner=0 count=0>');
    expect(r.acquire(false)).toBe(true);
    r.release();
  });

  it('a local RLock owned three deep (plain, timed and async acquires) keeps its depth when sent to a thread', async () => {
    const r = new RLock();
    r.acquire();
    expect(r.acquire(true, 50)).toBe(true);
    expect(await r.acquireAsync(true, 50)).toBe(true);
    expect(String(r)).toBe(`<RLock locked owner=${getIdent()} count=3>`);
    const q = new Queue();
    const t = new Thread({ target: (lock: RLock, out: Queue) => out.put(lock.acquire(false)), args: [r, q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBe(false);
    r.release();
    r.release();
    r.release();
    expect(() => r.release()).toThrow('cannot release un-acquired lock');
  });
});
