import { describe, expect, it } from 'vitest';
import { Event, Lock, Queue, RuntimeError, Thread, Value } from '#backend';
import { since, SLACK_MS } from './support';

/** Starts a thread that acquires `lock`, signals, and holds it until `release` is set. */
function holdInThread(lock: Lock): { release: Event; thread: Thread } {
  const held = new Event();
  const release = new Event();
  const thread = new Thread({
    target: (l: Lock, h: Event, r: Event) => { l.acquire(); h.set(); r.wait(); l.release(); },
    args: [lock, held, release],
  });
  thread.start();
  held.wait(10_000);
  return { release, thread };
}

describe('Lock', () => {
  it('starts unlocked; acquire() returns true and locks; release() unlocks', () => {
    const lock = new Lock();
    expect(lock.locked()).toBe(false);
    expect(lock.acquire()).toBe(true);
    expect(lock.locked()).toBe(true);
    lock.release();
    expect(lock.locked()).toBe(false);
  });

  it('acquire(false) on a held lock returns false at once', () => {
    const lock = new Lock();
    lock.acquire();
    expect(lock.acquire(false)).toBe(false);
    lock.release();
    expect(lock.acquire(false)).toBe(true);
    lock.release();
  });

  it('a Lock is not re-entrant: the holder cannot acquire it again', () => {
    const lock = new Lock();
    lock.acquire();
    expect(lock.acquire(true, 20)).toBe(false);
    lock.release();
  });

  it('acquire(true, timeout) on a lock held elsewhere returns false after at least the timeout', () => {
    const lock = new Lock();
    const { release, thread } = holdInThread(lock);
    const t0 = performance.now();
    expect(lock.acquire(true, 50)).toBe(false);
    expect(since(t0)).toBeGreaterThanOrEqual(50 - SLACK_MS);
    release.set();
    thread.join();
    expect(lock.acquire(true, 10_000)).toBe(true);
    lock.release();
  });

  it('acquire(true, 0) tries once', () => {
    const lock = new Lock();
    expect(lock.acquire(true, 0)).toBe(true);
    expect(lock.acquire(true, 0)).toBe(false);
    lock.release();
  });

  it('acquire(true, -1) waits forever: it gets the lock when the holder releases it', () => {
    const lock = new Lock();
    const { release, thread } = holdInThread(lock);
    const releaser = new Thread({ target: (r: Event) => r.set(), args: [release] });
    releaser.start();
    expect(lock.acquire(true, -1)).toBe(true);
    lock.release();
    thread.join();
    releaser.join();
  });

  it('the same lock object is seen by another thread (locked there)', () => {
    const lock = new Lock();
    lock.acquire();
    const q = new Queue();
    const t = new Thread({ target: (l: Lock, out: Queue) => out.put([l.locked(), l.acquire(false)]), args: [lock, q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toEqual([true, false]);
    lock.release();
  });

  it('any thread may release a Lock (it has no owner)', () => {
    const lock = new Lock();
    lock.acquire();
    const t = new Thread({ target: (l: Lock) => l.release(), args: [lock] });
    t.start();
    t.join();
    expect(lock.locked()).toBe(false);
  });

  it('a thread blocked in acquire() proceeds when the lock is released', () => {
    const lock = new Lock();
    lock.acquire();
    const got = new Event();
    const t = new Thread({ target: (l: Lock, g: Event) => { l.acquire(); g.set(); l.release(); }, args: [lock, got] });
    t.start();
    expect(got.wait(20)).toBe(false);
    lock.release();
    expect(got.wait(10_000)).toBe(true);
    t.join();
  });

  it('acquireAsync resolves true once the holder releases, without blocking the event loop', async () => {
    const lock = new Lock();
    const { release, thread } = holdInThread(lock);
    const pending = lock.acquireAsync();
    setTimeout(() => release.set(), 0);
    expect(await pending).toBe(true);
    expect(lock.locked()).toBe(true);
    lock.release();
    await thread.joinAsync();
  });

  it('acquireAsync(false) on a held lock resolves false; on a free one true', async () => {
    const lock = new Lock();
    expect(await lock.acquireAsync(false)).toBe(true);
    expect(await lock.acquireAsync(false)).toBe(false);
    lock.release();
  });

  it('acquireAsync(true, timeout) resolves false after at least the timeout', async () => {
    const lock = new Lock();
    lock.acquire();
    const t0 = performance.now();
    expect(await lock.acquireAsync(true, 40)).toBe(false);
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
    lock.release();
  });

  it('hold() returns an acquired guard that using releases', () => {
    const lock = new Lock();
    {
      using guard = lock.hold();
      expect(guard).toBeDefined();
      expect(lock.locked()).toBe(true);
    }
    expect(lock.locked()).toBe(false);
  });

  it('hold() releases even when the block throws', () => {
    const lock = new Lock();
    expect(() => {
      using _guard = lock.hold();
      throw new Error('inside');
    }).toThrow('inside');
    expect(lock.locked()).toBe(false);
  });

  it('holdAsync() resolves to an acquired guard', async () => {
    const lock = new Lock();
    {
      using _guard = await lock.holdAsync();
      expect(lock.locked()).toBe(true);
    }
    expect(lock.locked()).toBe(false);
  });

  it('repr is <Lock unlocked> / <Lock locked>', () => {
    const lock = new Lock();
    expect(String(lock)).toBe('<Lock unlocked>');
    lock.acquire();
    expect(String(lock)).toBe('<Lock locked>');
    lock.release();
  });

  it('release of an unlocked lock throws RuntimeError("release unlocked lock")', () => {
    const lock = new Lock();
    expect(() => lock.release()).toThrow(RuntimeError);
    expect(() => lock.release()).toThrow('release unlocked lock');
  });

  it('guards a read-modify-write: 4 threads x 2000 increments stay exact', () => {
    const lock = new Lock();
    const counter = new Value('i', 0);
    const threads = Array.from({ length: 4 }, () =>
      new Thread({
        target: (l: Lock, c: Value, n: number) => {
          for (let i = 0; i < n; i++) { l.acquire(); c.value = c.value + 1; l.release(); }
        },
        args: [lock, counter, 2000],
      }),
    );
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    expect(counter.value).toBe(8000);
    expect(lock.locked()).toBe(false);
  });
});
