import { describe, expect, it } from 'vitest';
import { Empty, LifoQueue, PriorityQueue, Queue, SimpleQueue, Thread } from '#backend';
import { since, SLACK_MS } from './support';

describe('LifoQueue', () => {
  it('returns the most recently put item first', () => {
    const q = new LifoQueue<number>();
    for (const x of [1, 2, 3]) q.put(x);
    expect([q.get(true, 10_000), q.get(true, 10_000), q.get(true, 10_000)]).toEqual([3, 2, 1]);
  });

  it('is a Queue with bounds, taskDone and repr', () => {
    const q = new LifoQueue(1);
    expect(q).toBeInstanceOf(Queue);
    q.put('x');
    expect(q.full()).toBe(true);
    expect(String(q)).toBe('<LifoQueue size=1 maxsize=1>');
    q.get(true, 10_000);
    q.taskDone();
    q.join();
  });

  it('crosses threads as a LifoQueue', () => {
    const q = new LifoQueue();
    const t = new Thread({ target: (qq: LifoQueue) => { qq.put('a'); qq.put('b'); }, args: [q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBe('b');
  });
});

describe('PriorityQueue', () => {
  it('returns the smallest number first', () => {
    const q = new PriorityQueue<number>();
    for (const x of [5, 1, 4, 2, 3]) q.put(x);
    expect([1, 2, 3, 4, 5].map(() => q.get(true, 10_000))).toEqual([1, 2, 3, 4, 5]);
  });

  it('orders [priority, data] pairs like tuples', () => {
    const q = new PriorityQueue<[number, string]>();
    q.put([2, 'b']);
    q.put([1, 'z']);
    q.put([2, 'a']);
    q.put([0, 'first']);
    expect([q.get(true, 10_000), q.get(true, 10_000), q.get(true, 10_000), q.get(true, 10_000)]).toEqual([[0, 'first'], [1, 'z'], [2, 'a'], [2, 'b']]);
  });

  it('orders strings by code point', () => {
    const q = new PriorityQueue<string>();
    for (const s of ['pear', 'Apple', 'apple']) q.put(s);
    expect([q.get(true, 10_000), q.get(true, 10_000), q.get(true, 10_000)]).toEqual(['Apple', 'apple', 'pear']);
  });

  it('items that cannot be ordered make put throw TypeError; the queue stays usable', () => {
    const q = new PriorityQueue();
    q.put([1, { a: 1 }]);
    expect(() => q.put([1, { b: 2 }])).toThrow(TypeError);
    expect(() => q.put([1, { b: 2 }])).toThrow("'<' not supported");
    expect(q.get(true, 10_000)).toEqual([1, { a: 1 }]);
  });

  it('items put from several threads come out in order', () => {
    const q = new PriorityQueue<number>();
    const threads = [0, 1, 2].map((k) => new Thread({ target: (qq: PriorityQueue, base: number) => { for (let i = 0; i < 10; i++) qq.put(base + i * 3); }, args: [q, k] }));
    for (const t of threads) t.start();
    for (const t of threads) t.join();
    const out = Array.from({ length: 30 }, () => q.get(true, 10_000));
    expect(out).toEqual(Array.from({ length: 30 }, (_, i) => i));
  });
});

describe('SimpleQueue', () => {
  it('is FIFO and unbounded', () => {
    const q = new SimpleQueue<number>();
    for (let i = 0; i < 100; i++) q.put(i);
    expect(q.qsize()).toBe(100);
    expect(q.get(true, 10_000)).toBe(0);
    expect(q.get(true, 10_000)).toBe(1);
  });

  it('empty / getNowait / get(true, timeout)', () => {
    const q = new SimpleQueue();
    expect(q.empty()).toBe(true);
    expect(() => q.getNowait()).toThrow(Empty);
    const t0 = performance.now();
    expect(() => q.get(true, 40)).toThrow(Empty);
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
  });

  it('put never blocks (block and timeout are ignored); putNowait works', () => {
    const q = new SimpleQueue();
    q.put(1, true, 0);
    q.put(2, false);
    q.putNowait(3);
    expect([q.get(true, 10_000), q.get(true, 10_000), q.get(true, 10_000)]).toEqual([1, 2, 3]);
  });

  it('getAsync resolves with an item put by another thread; putAsync resolves', async () => {
    const q = new SimpleQueue();
    const pending = q.getAsync();
    const t = new Thread({ target: (qq: SimpleQueue) => qq.put('hi'), args: [q] });
    t.start();
    expect(await pending).toBe('hi');
    await q.putAsync('again');
    expect(q.get(true, 10_000)).toBe('again');
    await t.joinAsync();
  });

  it('getAsync(timeout) rejects with Empty', async () => {
    await expect(new SimpleQueue().getAsync(20)).rejects.toBeInstanceOf(Empty);
  });

  it('repr and identity across threads', () => {
    const q = new SimpleQueue();
    q.put(1);
    expect(String(q)).toBe('<SimpleQueue size=1>');
    const out = new Queue();
    const t = new Thread({ target: (qq: SimpleQueue, o: Queue) => o.put(qq), args: [q, out] });
    t.start();
    t.join();
    expect(out.get(true, 10_000)).toBe(q);
  });
});

describe('local queues sent to another thread keep their order', () => {
  it('PriorityQueue: equal-priority items come out in the order CPython gives, across the move', () => {
    const q = new PriorityQueue<[number, unknown]>();
    for (const x of [[1, true], [1, 1], [0, 'x'], [1, 1n], [1, 2], [1, 1]] as [number, unknown][]) q.put(x);
    expect(q.get()).toEqual([0, 'x']);
    q.put([1, true]);
    q.put([0, 1]);
    expect(q.get()).toEqual([0, 1]);
    const out = new Queue();
    const t = new Thread({
      target: (qq: PriorityQueue, o: Queue) => {
        const got = [];
        while (!qq.empty()) got.push(qq.get());
        o.put(got);
      },
      args: [q, out],
    });
    t.start();
    t.join();
    // CPython 3.13: (1, True), (1, True), (1, 1.0), (1, 1.0), (1, 1), (1, 2)
    expect(out.get(false)).toEqual([[1, true], [1, true], [1, 1], [1, 1], [1, 1n], [1, 2]]);
  });

  it('LifoQueue and SimpleQueue', () => {
    const lifo = new LifoQueue<number>();
    const simple = new SimpleQueue<number>();
    for (const x of [1, 2, 3, 4]) {
      lifo.put(x);
      simple.put(x);
    }
    expect([lifo.get(), simple.get()]).toEqual([4, 1]);
    const out = new Queue();
    const t = new Thread({
      target: (l: LifoQueue, s: SimpleQueue, o: Queue) => {
        o.put([l.get(), l.get(), l.get(), s.get(), s.get(), s.get(), l.empty(), s.empty()]);
      },
      args: [lifo, simple, out],
    });
    t.start();
    t.join();
    expect(out.get(false)).toEqual([3, 2, 1, 2, 3, 4, true, true]);
  });
});
