import { describe, expect, it } from 'vitest';
import { Barrier, Event, Queue, Thread, Value } from '#backend';
import { fx, since, SLACK_MS } from './support';

describe('Thread', () => {
  it('runs the target with its arguments in another thread', () => {
    const out = new Queue();
    const t = new Thread({ target: (a: number, b: string, q: Queue) => q.put(`${b}${a * 2}`), args: [21, 'n=', out] });
    t.start();
    t.join();
    expect(out.get(true, 10_000)).toBe('n=42');
  });

  it('awaits an async target before the thread ends', () => {
    const done = new Event();
    const t = new Thread({
      target: async (ev: Event) => {
        await new Promise((r) => setTimeout(r, 5));
        ev.set();
      },
      args: [done],
    });
    t.start();
    t.join();
    expect(done.isSet()).toBe(true);
    expect(t.isAlive()).toBe(false);
  });

  it('isAlive is false before start, true while running, false after join', () => {
    const started = new Event();
    const release = new Event();
    const t = new Thread({ target: (s: Event, r: Event) => { s.set(); r.wait(); }, args: [started, release] });
    expect(t.isAlive()).toBe(false);
    t.start();
    started.wait(10_000);
    expect(t.isAlive()).toBe(true);
    release.set();
    t.join();
    expect(t.isAlive()).toBe(false);
  });

  it('ident is undefined before start and a positive unique integer after', () => {
    const a = new Thread({ target: () => undefined });
    const b = new Thread({ target: () => undefined });
    expect(a.ident).toBeUndefined();
    a.start();
    b.start();
    a.join();
    b.join();
    expect(Number.isInteger(a.ident)).toBe(true);
    expect(a.ident!).toBeGreaterThan(0);
    expect(a.ident).not.toBe(b.ident);
  });

  it('nativeId is undefined before start and a number once the thread ran', () => {
    const t = new Thread({ target: () => undefined });
    expect(t.nativeId).toBeUndefined();
    t.start();
    t.join();
    expect(typeof t.nativeId).toBe('number');
  });

  it('default names are Thread-N (target name)', () => {
    function work(): void {}
    const t = new Thread({ target: work });
    expect(t.name).toMatch(/^Thread-\d+ \(work\)$/);
    const u = new Thread();
    expect(u.name).toMatch(/^Thread-\d+$/);
  });

  it('the name option and setter set the name, also seen inside the thread', () => {
    const q = new Queue();
    const t = new Thread({ target: fx('whoAmI'), args: [q], name: 'first' });
    expect(t.name).toBe('first');
    t.name = 'renamed';
    expect(t.name).toBe('renamed');
    t.start();
    t.join();
    expect((q.get(true, 10_000) as { name: string }).name).toBe('renamed');
  });

  it('daemon defaults to false on the main thread and follows the option', () => {
    expect(new Thread().daemon).toBe(false);
    expect(new Thread({ daemon: true }).daemon).toBe(true);
    const t = new Thread();
    t.daemon = true;
    expect(t.daemon).toBe(true);
  });

  it('a thread started from a daemon thread is a daemon by default', () => {
    const q = new Queue();
    const t = new Thread({ target: fx('nested'), args: [q], daemon: true });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toEqual({ value: 42, alive: false, parentDaemon: true, childDaemon: true });
  });

  it('threads can start and join threads', () => {
    const q = new Queue();
    const t = new Thread({ target: fx('nested'), args: [q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toEqual({ value: 42, alive: false, parentDaemon: false, childDaemon: false });
  });

  it('join(timeout) returns undefined after at least the timeout while the thread still runs', () => {
    const release = new Event();
    const t = new Thread({ target: (r: Event) => { r.wait(); }, args: [release] });
    t.start();
    const t0 = performance.now();
    expect(t.join(60)).toBeUndefined();
    expect(since(t0)).toBeGreaterThanOrEqual(60 - SLACK_MS);
    expect(t.isAlive()).toBe(true);
    release.set();
    t.join();
    expect(t.isAlive()).toBe(false);
  });

  it('join(0) and negative timeouts poll', () => {
    const release = new Event();
    const t = new Thread({ target: (r: Event) => { r.wait(); }, args: [release] });
    t.start();
    t.join(0);
    t.join(-5);
    expect(t.isAlive()).toBe(true);
    release.set();
    t.join();
  });

  it('joinAsync keeps the event loop free while waiting', async () => {
    const release = new Event();
    const t = new Thread({ target: (r: Event) => { r.wait(); }, args: [release] });
    t.start();
    setTimeout(() => release.set(), 0);
    await t.joinAsync();
    expect(t.isAlive()).toBe(false);
  });

  it('joinAsync(timeout) resolves after at least the timeout with the thread alive', async () => {
    const release = new Event();
    const t = new Thread({ target: (r: Event) => { r.wait(); }, args: [release] });
    t.start();
    const t0 = performance.now();
    await t.joinAsync(50);
    expect(since(t0)).toBeGreaterThanOrEqual(50 - SLACK_MS);
    expect(t.isAlive()).toBe(true);
    release.set();
    await t.joinAsync();
  });

  it('a subclass overriding run() runs with its own fields', async () => {
    const { Doubler } = await import('../fixtures/threads.mjs');
    const q = new Queue();
    const t = new Doubler(q, 21);
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toEqual({ doubled: 42, name: 'doubler', self: true });
  });

  it('an async run() of a subclass is awaited', async () => {
    const { AsyncRunner } = await import('../fixtures/threads.mjs');
    const done = new Event();
    const t = new AsyncRunner(done);
    t.start();
    t.join();
    expect(done.isSet()).toBe(true);
  });

  it('repr shows name and state', () => {
    const release = new Event();
    const started = new Event();
    const t = new Thread({ target: (s: Event, r: Event) => { s.set(); r.wait(); }, args: [started, release], name: 'w', daemon: true });
    expect(String(t)).toBe('<Thread(w, initial daemon)>');
    t.start();
    started.wait(10_000);
    expect(String(t)).toBe(`<Thread(w, started daemon ${t.ident})>`);
    release.set();
    t.join();
    expect(String(t)).toBe(`<Thread(w, stopped daemon ${t.ident})>`);
  });

  it('threads really run at the same time (8 threads meet at a barrier)', () => {
    const barrier = new Barrier(9);
    const seen = new Value('i', 0);
    const threads = Array.from({ length: 8 }, () =>
      new Thread({ target: (b: Barrier, v: Value) => { b.wait(); v.add(1); }, args: [barrier, seen] }),
    );
    for (const t of threads) t.start();
    barrier.wait(10_000);
    for (const t of threads) t.join();
    expect(seen.value).toBe(8);
  });

  it('arguments are copied when the thread starts', () => {
    const q = new Queue();
    const arg = { list: [1, 2] };
    const t = new Thread({ target: (o: { list: number[] }, out: Queue) => { o.list.push(3); out.put(o); }, args: [arg, q] });
    t.start();
    arg.list.push(99);
    t.join();
    expect(q.get(true, 10_000)).toEqual({ list: [1, 2, 3] });
    expect(arg.list).toEqual([1, 2, 99]);
  });

  it('a thread without a target runs and ends', () => {
    const t = new Thread();
    t.start();
    t.join();
    expect(t.isAlive()).toBe(false);
    expect(t.ident).toBeGreaterThan(0);
  });

  it('many short threads in a row all run (warm workers are reused)', () => {
    const counter = new Value('i', 0);
    for (let i = 0; i < 40; i++) {
      const t = new Thread({ target: (c: Value) => { c.add(1); }, args: [counter] });
      t.start();
      t.join();
    }
    expect(counter.value).toBe(40);
  });

  it('a thread sees itself as currentThread() and the Thread object keeps its identity', () => {
    const q = new Queue();
    const t = new Thread({ target: fx('putSelf'), args: [q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBe(t);
  });
});

describe('Thread: Python parity', () => {
  it('an empty name is no name: Thread-N, or Thread-N (target), numbered by the global counter', () => {
    const a = new Thread({ name: '' });
    function work(): void {}
    const b = new Thread({ name: '', target: work });
    const n = Number(/^Thread-(\d+)$/.exec(a.name)?.[1]);
    expect(Number.isInteger(n)).toBe(true);
    expect(b.name).toBe(`Thread-${n + 1} (work)`);
  });
});
