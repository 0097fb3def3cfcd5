import { describe, expect, it } from 'vitest';
import {
  asCompleted,
  Barrier,
  Condition,
  Lock,
  PriorityQueue,
  Queue,
  RLock,
  Thread,
  ThreadPoolExecutor,
  Value,
} from '#backend';
import { fx } from './support';

describe('stress (bounded, exact invariants)', () => {
  it('4 producers, 3 consumers through a bounded Queue: every item exactly once', () => {
    const q = new Queue<[number, number] | null>(16);
    const out = new Queue<[number, number][]>();
    const producers = [0, 1, 2, 3].map((id) => new Thread({ target: fx('produce'), args: [q, id, 500] }));
    const consumers = [0, 1, 2].map(() => new Thread({ target: fx('consume'), args: [q, out] }));
    for (const t of [...producers, ...consumers]) t.start();
    for (const t of producers) t.join();
    for (let i = 0; i < consumers.length; i++) q.put(null);
    q.join();
    for (const t of consumers) t.join();
    const got = consumers.flatMap(() => out.get(true, 10_000));
    expect(got.length).toBe(2000);
    const keys = new Set(got.map(([id, i]) => id * 10_000 + i));
    expect(keys.size).toBe(2000);
    for (let id = 0; id < 4; id++) for (let i = 0; i < 500; i++) expect(keys.has(id * 10_000 + i)).toBe(true);
    expect(q.unfinishedTasks).toBe(0);
  });

  it('per-producer order is kept through a FIFO queue with one consumer', () => {
    const q = new Queue<[number, number] | null>(8);
    const out = new Queue<[number, number][]>();
    const producers = [0, 1, 2].map((id) => new Thread({ target: fx('produce'), args: [q, id, 400] }));
    const consumer = new Thread({ target: fx('consume'), args: [q, out] });
    for (const t of [...producers, consumer]) t.start();
    for (const t of producers) t.join();
    q.put(null);
    consumer.join();
    const got = out.get(true, 10_000);
    for (let id = 0; id < 3; id++) {
      const mine = got.filter(([p]) => p === id).map(([, i]) => i);
      expect(mine).toEqual(Array.from({ length: 400 }, (_, i) => i));
    }
  });

  it('main consumes with getAsync while 3 threads produce: nothing lost or duplicated', async () => {
    const q = new Queue<[number, number]>();
    const producers = [0, 1, 2].map((id) => new Thread({ target: fx('produce'), args: [q, id, 300] }));
    for (const t of producers) t.start();
    const seen = new Set<number>();
    for (let n = 0; n < 900; n++) {
      const [id, i] = await q.getAsync(10_000);
      seen.add(id * 1000 + i);
    }
    for (const t of producers) await t.joinAsync();
    expect(seen.size).toBe(900);
    expect(q.qsize()).toBe(0);
  });

  it('a PriorityQueue filled by 4 threads drains sorted with every item', () => {
    const q = new PriorityQueue<[number, number]>();
    const producers = [0, 1, 2, 3].map((id) => new Thread({ target: fx('produce'), args: [q, id, 250] }));
    for (const t of producers) t.start();
    for (const t of producers) t.join();
    const drained = Array.from({ length: 1000 }, () => q.get(true, 10_000));
    const sorted = [...drained].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    expect(drained).toEqual(sorted);
    expect(new Set(drained.map(([a, b]) => a * 1000 + b)).size).toBe(1000);
  });

  it('8 threads x 2500 increments under one Lock: exact', () => {
    const lock = new Lock();
    const c = new Value('i', 0);
    const threads = Array.from({ length: 8 }, () =>
      new Thread({ target: (l: Lock, v: Value) => { for (let i = 0; i < 2500; i++) { l.acquire(); v.value = v.value + 1; l.release(); } }, args: [lock, c] }),
    );
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    expect(c.value).toBe(20_000);
  });

  it('6 threads x 2000 increments under an RLock taken twice: exact', () => {
    const lock = new RLock();
    const c = new Value('i', 0);
    const threads = Array.from({ length: 6 }, () =>
      new Thread({ target: (l: RLock, v: Value) => { for (let i = 0; i < 2000; i++) { l.acquire(); l.acquire(); v.value = v.value + 1; l.release(); l.release(); } }, args: [lock, c] }),
    );
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    expect(c.value).toBe(12_000);
  });

  it('Condition-guarded bounded buffer: 3 producers, 3 consumers, exact sum', () => {
    const cond = new Condition();
    const buffer = new Value('i', 0);
    const produced = new Value('i', 0);
    const consumed = new Value('i', 0);
    const per = 400;
    const producers = [0, 1, 2].map(() =>
      new Thread({
        target: (c: Condition, buf: Value, p: Value, n: number) => {
          for (let i = 0; i < n; i++) { c.acquire(); while (buf.value >= 4) c.wait(); buf.value = buf.value + 1; p.value = p.value + 1; c.notifyAll(); c.release(); }
        },
        args: [cond, buffer, produced, per],
      }),
    );
    const consumers = [0, 1, 2].map(() =>
      new Thread({
        target: (c: Condition, buf: Value, k: Value, n: number) => {
          for (let i = 0; i < n; i++) { c.acquire(); while (buf.value === 0) c.wait(); buf.value = buf.value - 1; k.value = k.value + 1; c.notifyAll(); c.release(); }
        },
        args: [cond, buffer, consumed, per],
      }),
    );
    for (const t of [...producers, ...consumers]) t.start();
    for (const t of [...producers, ...consumers]) t.join();
    expect(produced.value).toBe(1200);
    expect(consumed.value).toBe(1200);
    expect(buffer.value).toBe(0);
  });

  it('4 threads through 100 barrier cycles: every cycle complete', () => {
    const b = new Barrier(4);
    const count = new Value('i', 0);
    const bad = new Value('i', 0);
    const threads = Array.from({ length: 4 }, () =>
      new Thread({
        target: (bar: Barrier, c: Value, x: Value) => {
          for (let cycle = 0; cycle < 100; cycle++) {
            c.add(1);
            bar.wait();
            if (c.load() < (cycle + 1) * 4) x.add(1);
            bar.wait();
          }
        },
        args: [b, count, bad],
      }),
    );
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    expect(count.value).toBe(400);
    expect(bad.value).toBe(0);
  });

  it('300 tasks on a 4-thread executor: every result once, exact sum', () => {
    const ex = new ThreadPoolExecutor(4);
    const fs = Array.from({ length: 300 }, (_, i) => ex.submit((x: number) => x * 2, i));
    const seen = new Set<number>();
    let sum = 0;
    for (const f of asCompleted(fs)) {
      const r = f.result() as number;
      seen.add(r);
      sum += r;
    }
    ex.shutdown();
    expect(seen.size).toBe(300);
    expect(sum).toBe(2 * (299 * 300) / 2);
  });

  it('threads started from threads (4 x 10) all run', () => {
    const c = new Value('i', 0);
    const threads = Array.from({ length: 4 }, () => new Thread({ target: fx('spawnCounting'), args: [c, 10] }));
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    expect(c.value).toBe(40);
  });
});
