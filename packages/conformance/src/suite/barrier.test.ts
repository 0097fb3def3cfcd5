import { describe, expect, it } from 'vitest';
import { Barrier, BrokenBarrierError, Queue, RuntimeError, Semaphore, shared, Thread, Value } from '#backend';
import { fx, since, SLACK_MS } from './support';

/** Waits (bounded, yielding the CPU) until `b.nWaiting` reaches `n`; the barrier's own count is the handshake. */
function untilWaiting(b: Barrier, n: number): void {
  const deadline = performance.now() + 10_000;
  while (b.nWaiting < n) {
    if (performance.now() > deadline) throw new Error(`barrier never reached ${n} waiters`);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 1);
  }
}

/** Starts a thread that waits on `b` and puts the index, or the error's name, into `q`. */
function waiter(b: Barrier, q: Queue, timeout?: number): Thread {
  const t = new Thread({
    target: (bar: Barrier, out: Queue, ms: number | undefined) => {
      try { out.put(bar.wait(ms)); } catch (e) { out.put((e as Error).name); }
    },
    args: [b, q, timeout],
  });
  t.start();
  return t;
}

describe('Barrier', () => {
  it('exposes parties, nWaiting and broken; repr shows waiters', () => {
    const b = new Barrier(2);
    expect(b.parties).toBe(2);
    expect(b.nWaiting).toBe(0);
    expect(b.broken).toBe(false);
    expect(String(b)).toBe('<Barrier waiters=0/2>');
  });

  it('releases all parties together with distinct indices 0..n-1', () => {
    const b = new Barrier(4);
    const q = new Queue();
    const threads = [waiter(b, q), waiter(b, q), waiter(b, q)];
    const mine = b.wait(10_000);
    for (const t of threads) t.join();
    const all = [mine, q.get(true, 10_000), q.get(true, 10_000), q.get(true, 10_000)].sort();
    expect(all).toEqual([0, 1, 2, 3]);
  });

  it('nWaiting counts the threads currently waiting', () => {
    const b = new Barrier(3);
    const q = new Queue();
    const t1 = waiter(b, q);
    untilWaiting(b, 1);
    expect(b.nWaiting).toBe(1);
    expect(String(b)).toBe('<Barrier waiters=1/3>');
    const t2 = waiter(b, q);
    untilWaiting(b, 2);
    b.wait(10_000);
    t1.join();
    t2.join();
    expect(b.nWaiting).toBe(0);
  });

  it('is reusable across cycles', () => {
    const b = new Barrier(2);
    const count = new Value('i', 0);
    const t = new Thread({ target: (bar: Barrier, c: Value) => { for (let i = 0; i < 5; i++) { bar.wait(); c.add(1); } }, args: [b, count] });
    t.start();
    for (let i = 0; i < 5; i++) b.wait(10_000);
    t.join();
    expect(count.value).toBe(5);
    expect(b.broken).toBe(false);
  });

  it('runs the action once per cycle in one of the threads', () => {
    const counter = shared('conformance.barrier.actions', () => new Value('i', 0));
    const before = counter.value;
    const b = new Barrier(2, fx('countAction'));
    const t = new Thread({ target: (bar: Barrier) => { bar.wait(); bar.wait(); }, args: [b] });
    t.start();
    b.wait(10_000);
    b.wait(10_000);
    t.join();
    expect(counter.value - before).toBe(2);
  });

  it('Barrier(1) passes at once with index 0', () => {
    expect(new Barrier(1).wait()).toBe(0);
  });

  it('wait(timeout) breaks the barrier after at least the timeout', () => {
    const b = new Barrier(2);
    const t0 = performance.now();
    expect(() => b.wait(50)).toThrow(BrokenBarrierError);
    expect(since(t0)).toBeGreaterThanOrEqual(50 - SLACK_MS);
    expect(b.broken).toBe(true);
    expect(() => b.wait()).toThrow(BrokenBarrierError);
  });

  it('the constructor timeout is the default for wait()', () => {
    const b = new Barrier(2, undefined, 40);
    const t0 = performance.now();
    expect(() => b.wait()).toThrow(BrokenBarrierError);
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
  });

  it('a negative timeout breaks the barrier at once', () => {
    const b = new Barrier(2);
    expect(() => b.wait(-1)).toThrow(BrokenBarrierError);
    expect(b.broken).toBe(true);
  });

  it('a timeout in one party breaks the barrier for the others', () => {
    const b = new Barrier(3);
    const q = new Queue();
    const t = waiter(b, q);
    untilWaiting(b, 1);
    expect(() => b.wait(30)).toThrow(BrokenBarrierError);
    t.join();
    expect(q.get(true, 10_000)).toBe('BrokenBarrierError');
  });

  it('abort() breaks the barrier: waiters get BrokenBarrierError', () => {
    const b = new Barrier(3);
    const q = new Queue();
    const t = waiter(b, q);
    untilWaiting(b, 1);
    b.abort();
    t.join();
    expect(q.get(true, 10_000)).toBe('BrokenBarrierError');
    expect(b.broken).toBe(true);
    expect(() => b.wait()).toThrow(BrokenBarrierError);
  });

  it('reset() wakes waiters with BrokenBarrierError and makes the barrier usable again', () => {
    const b = new Barrier(2);
    const q = new Queue();
    const t = waiter(b, q);
    untilWaiting(b, 1);
    b.reset();
    t.join();
    expect(q.get(true, 10_000)).toBe('BrokenBarrierError');
    expect(b.broken).toBe(false);
    const u = waiter(b, q);
    b.wait(10_000);
    u.join();
    expect(typeof q.get(true, 10_000)).toBe('number');
  });

  it('reset() after a break makes the barrier usable', () => {
    const b = new Barrier(2);
    b.abort();
    expect(b.broken).toBe(true);
    b.reset();
    expect(b.broken).toBe(false);
    const q = new Queue();
    const t = waiter(b, q);
    b.wait(10_000);
    t.join();
    expect(typeof q.get(true, 10_000)).toBe('number');
  });

  it('an action that throws breaks the barrier: its thread gets the error, the others BrokenBarrierError', () => {
    const b = new Barrier(2, () => { throw new Error('action failed'); });
    const q = new Queue();
    const t = waiter(b, q);
    untilWaiting(b, 1);
    expect(() => b.wait()).toThrow('action failed');
    t.join();
    expect(q.get(true, 10_000)).toBe('BrokenBarrierError');
    expect(b.broken).toBe(true);
  });

  it('waitAsync joins a cycle without blocking the event loop', async () => {
    const b = new Barrier(2);
    const q = new Queue();
    const pending = b.waitAsync();
    const t = waiter(b, q);
    const index = await pending;
    await t.joinAsync();
    expect([index, q.get(true, 10_000)].sort()).toEqual([0, 1]);
  });

  it('waitAsync(timeout) rejects with BrokenBarrierError after at least the timeout', async () => {
    const b = new Barrier(2);
    const t0 = performance.now();
    await expect(b.waitAsync(40)).rejects.toBeInstanceOf(BrokenBarrierError);
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
  });

  it('BrokenBarrierError is a RuntimeError', () => {
    expect(new BrokenBarrierError()).toBeInstanceOf(RuntimeError);
  });

  it('a local Barrier(1) runs its action at each pass, then passes in a thread it is sent to', () => {
    const counter = shared('conformance.barrier.actions', () => new Value('i', 0));
    const before = counter.value;
    const b = new Barrier(1, fx('countAction'));
    expect(b.wait()).toBe(0);
    b.abort();
    expect(() => b.wait()).toThrow(BrokenBarrierError);
    b.reset();
    expect(b.wait()).toBe(0);
    expect(counter.value - before).toBe(2);
    const q = new Queue();
    const t = new Thread({ target: (bar: Barrier, out: Queue) => out.put(bar.wait()), args: [b, q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBe(0);
    expect(counter.value - before).toBe(3);
  });

  it('a local Barrier aborted and then sent is broken there; reset here lets the two parties meet', () => {
    const b = new Barrier(2);
    b.abort();
    const q = new Queue();
    const step = new Semaphore(0);
    const t = new Thread({
      target: (bar: Barrier, out: Queue, go: Semaphore) => {
        out.put(bar.broken);
        go.acquire(true, 10_000);
        out.put(bar.wait(10_000));
      },
      args: [b, q, step],
    });
    t.start();
    expect(q.get(true, 10_000)).toBe(true);
    b.reset();
    step.release();
    const mine = b.wait(10_000);
    t.join();
    expect([mine, q.get(true, 10_000)].sort()).toEqual([0, 1]);
  });

  it('a wait on a local Barrier(2) makes it shared: a thread it is sent to meets the waiter', async () => {
    const b = new Barrier(2);
    const pending = b.waitAsync(10_000);
    const q = new Queue();
    const t = new Thread({ target: (bar: Barrier, out: Queue) => out.put(bar.wait(10_000)), args: [b, q] });
    t.start();
    const mine = await pending;
    await t.joinAsync();
    expect([mine, q.get(true, 10_000)].sort()).toEqual([0, 1]);
    expect(String(b)).toBe('<Barrier waiters=0/2>');
  });
});
