import { describe, expect, it } from 'vitest';
import { Empty, Event, Full, Lock, Queue, Thread } from '#backend';
import { since, SLACK_MS } from './support';

describe('Queue', () => {
  it('is FIFO', () => {
    const q = new Queue<number>();
    for (const x of [3, 1, 2]) q.put(x);
    expect([q.get(true, 10_000), q.get(true, 10_000), q.get(true, 10_000)]).toEqual([3, 1, 2]);
  });

  it('qsize / empty / full track the contents; maxsize is kept', () => {
    const q = new Queue(2);
    expect(q.maxsize).toBe(2);
    expect(q.empty()).toBe(true);
    expect(q.full()).toBe(false);
    q.put('a');
    expect(q.qsize()).toBe(1);
    q.put('b');
    expect(q.full()).toBe(true);
    expect(q.empty()).toBe(false);
    q.get(true, 10_000);
    expect(q.full()).toBe(false);
  });

  it('maxsize <= 0 means unbounded', () => {
    const q = new Queue(0);
    const n = new Queue(-3);
    for (let i = 0; i < 1000; i++) { q.put(i); n.put(i); }
    expect(q.full()).toBe(false);
    expect(n.full()).toBe(false);
    expect(q.qsize()).toBe(1000);
  });

  it('getNowait on an empty queue throws Empty; get(false) too', () => {
    const q = new Queue();
    expect(() => q.getNowait()).toThrow(Empty);
    expect(() => q.get(false)).toThrow(Empty);
  });

  it('putNowait on a full queue throws Full and keeps the contents', () => {
    const q = new Queue(1);
    q.putNowait('x');
    expect(() => q.putNowait('y')).toThrow(Full);
    expect(() => q.put('y', false)).toThrow(Full);
    expect(q.qsize()).toBe(1);
    expect(q.get(true, 10_000)).toBe('x');
  });

  it('get(true, timeout) on an empty queue throws Empty after at least the timeout', () => {
    const q = new Queue();
    const t0 = performance.now();
    expect(() => q.get(true, 50)).toThrow(Empty);
    expect(since(t0)).toBeGreaterThanOrEqual(50 - SLACK_MS);
  });

  it('put(item, true, timeout) on a full queue throws Full after at least the timeout', () => {
    const q = new Queue(1);
    q.put(1);
    const t0 = performance.now();
    expect(() => q.put(2, true, 50)).toThrow(Full);
    expect(since(t0)).toBeGreaterThanOrEqual(50 - SLACK_MS);
    expect(q.qsize()).toBe(1);
  });

  it('get(true, 0) polls', () => {
    const q = new Queue();
    expect(() => q.get(true, 0)).toThrow(Empty);
    q.put(1);
    expect(q.get(true, 0)).toBe(1);
  });

  it('a blocked get() receives an item put by another thread', () => {
    const q = new Queue();
    const t = new Thread({ target: (out: Queue) => out.put({ from: 'thread' }), args: [q] });
    t.start();
    expect(q.get(true, 10_000)).toEqual({ from: 'thread' });
    t.join();
  });

  it('a blocked put() proceeds when another thread gets', () => {
    const q = new Queue(1);
    q.put('first');
    const done = new Event();
    const t = new Thread({ target: (qq: Queue, d: Event) => { qq.put('second'); d.set(); }, args: [q, done] });
    t.start();
    expect(done.wait(20)).toBe(false);
    expect(q.get(true, 10_000)).toBe('first');
    expect(done.wait(10_000)).toBe(true);
    expect(q.get(true, 10_000)).toBe('second');
    t.join();
  });

  it('taskDone / join: join returns once every item is done', () => {
    const q = new Queue();
    q.put(1);
    q.put(2);
    expect(q.unfinishedTasks).toBe(2);
    const t = new Thread({ target: (qq: Queue) => { for (let i = 0; i < 2; i++) { qq.get(); qq.taskDone(); } }, args: [q] });
    t.start();
    q.join();
    expect(q.unfinishedTasks).toBe(0);
    t.join();
  });

  it('join() on a queue with nothing unfinished returns at once', () => {
    const q = new Queue();
    q.join();
    q.put(1);
    q.get(true, 10_000);
    q.taskDone();
    q.join();
    expect(q.unfinishedTasks).toBe(0);
  });

  it('taskDone() too many times throws RangeError("task_done() called too many times")', () => {
    const q = new Queue();
    expect(() => q.taskDone()).toThrow(RangeError);
    q.put(1);
    q.get(true, 10_000);
    q.taskDone();
    expect(() => q.taskDone()).toThrow('task_done() called too many times');
  });

  it('joinAsync resolves when workers finish the tasks', async () => {
    const q = new Queue();
    for (let i = 0; i < 5; i++) q.put(i);
    const t = new Thread({ target: (qq: Queue) => { for (let i = 0; i < 5; i++) { qq.get(); qq.taskDone(); } }, args: [q] });
    t.start();
    await q.joinAsync();
    expect(q.unfinishedTasks).toBe(0);
    await t.joinAsync();
  });

  it('getAsync resolves with an item put later by another thread', async () => {
    const q = new Queue();
    const pending = q.getAsync();
    const t = new Thread({ target: (qq: Queue) => qq.put('late'), args: [q] });
    t.start();
    expect(await pending).toBe('late');
    await t.joinAsync();
  });

  it('getAsync(timeout) rejects with Empty after at least the timeout', async () => {
    const q = new Queue();
    const t0 = performance.now();
    await expect(q.getAsync(40)).rejects.toBeInstanceOf(Empty);
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
  });

  it('putAsync waits for room without blocking the event loop; putAsync(timeout) rejects with Full', async () => {
    const q = new Queue(1);
    await q.putAsync('a');
    const pending = q.putAsync('b');
    setTimeout(() => q.get(true, 10_000), 0);
    await pending;
    expect(q.get(true, 10_000)).toBe('b');
    q.put('c');
    const t0 = performance.now();
    await expect(q.putAsync('d', 40)).rejects.toBeInstanceOf(Full);
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
  });

  it('for await iterates items until the queue is shut down and empty', async () => {
    const q = new Queue<number>();
    const t = new Thread({ target: (qq: Queue) => { for (let i = 0; i < 5; i++) qq.put(i); qq.shutdown(); }, args: [q] });
    t.start();
    const got: number[] = [];
    for await (const x of q) got.push(x);
    expect(got).toEqual([0, 1, 2, 3, 4]);
    await t.joinAsync();
  });

  it('items are copies: mutating a got item does not change what another get returns', () => {
    const q = new Queue();
    const item = { n: [1] };
    q.put(item);
    q.put(item);
    item.n.push(2);
    const a = q.get(true, 10_000) as { n: number[] };
    const b = q.get(true, 10_000) as { n: number[] };
    expect(a).toEqual({ n: [1] });
    expect(a).not.toBe(b);
    expect(a).not.toBe(item);
  });

  it('shared objects inside items keep their identity', () => {
    const q = new Queue();
    const lock = new Lock();
    q.put({ lock, list: [lock] });
    const got = q.get(true, 10_000) as { lock: Lock; list: Lock[] };
    expect(got.lock).toBe(lock);
    expect(got.list[0]).toBe(lock);
  });

  it('holds undefined, null, 0 and empty strings as items', () => {
    const q = new Queue();
    for (const x of [undefined, null, 0, '']) q.put(x);
    expect([q.get(true, 10_000), q.get(true, 10_000), q.get(true, 10_000), q.get(true, 10_000)]).toEqual([undefined, null, 0, '']);
  });

  it('repr shows the size and the bound', () => {
    const q = new Queue(5);
    q.put(1);
    expect(String(q)).toBe('<Queue size=1 maxsize=5>');
    expect(String(new Queue())).toBe('<Queue size=0>');
  });

  it('the same queue reaches another thread and back', () => {
    const q = new Queue();
    const out = new Queue();
    const t = new Thread({ target: (qq: Queue, o: Queue) => o.put(qq), args: [q, out] });
    t.start();
    t.join();
    expect(out.get(true, 10_000)).toBe(q);
  });
});

describe('Queue: a local queue sent to another thread mid-use', () => {
  it('keeps its items in order and its unfinished tasks: taskDone and join work across the move as in Python', () => {
    const q = new Queue<string>();
    for (const x of ['a', 'b', 'c']) q.put(x);
    expect(q.get()).toBe('a');
    q.taskDone();
    const out = new Queue();
    const t = new Thread({
      target: (qq: Queue, o: Queue) => {
        o.put([qq.qsize(), qq.unfinishedTasks]);
        o.put(qq.get());
        o.put(qq.get());
        qq.taskDone();
        qq.taskDone();
        try {
          qq.taskDone();
        } catch (e) {
          o.put((e as Error).message);
        }
      },
      args: [q, out],
    });
    t.start();
    q.join();
    expect(q.unfinishedTasks).toBe(0);
    t.join();
    expect([out.get(false), out.get(false), out.get(false), out.get(false)]).toEqual([[2, 2], 'b', 'c', 'task_done() called too many times']);
  });

  it('shut down with items left: the thread drains them, then get and put raise ShutDown', () => {
    const q = new Queue();
    q.put(1);
    q.put(2);
    q.shutdown();
    const out = new Queue();
    const t = new Thread({
      target: (qq: Queue, o: Queue) => {
        o.put(qq.isShutdown);
        o.put(qq.get());
        o.put(qq.get());
        for (const op of [() => qq.get(), () => qq.put(3)]) {
          try {
            op();
            o.put('no error');
          } catch (e) {
            o.put((e as Error).name);
          }
        }
      },
      args: [q, out],
    });
    t.start();
    t.join();
    expect(Array.from({ length: 5 }, () => out.get(false))).toEqual([true, 1, 2, 'ShutDown', 'ShutDown']);
  });

  it('shut down immediately: items gone, the unfinished count kept; join waits for the taskDone of the thread', () => {
    const q = new Queue();
    for (const x of [1, 2, 3]) q.put(x);
    expect(q.get()).toBe(1);
    q.shutdown(true);
    expect([q.qsize(), q.unfinishedTasks, q.isShutdown]).toEqual([0, 1, true]);
    const out = new Queue();
    const t = new Thread({
      target: (qq: Queue, o: Queue) => {
        o.put(qq.unfinishedTasks);
        try {
          qq.get();
          o.put('got');
        } catch (e) {
          o.put((e as Error).name);
        }
        qq.taskDone();
      },
      args: [q, out],
    });
    t.start();
    q.join();
    expect(q.unfinishedTasks).toBe(0);
    t.join();
    expect([out.get(false), out.get(false)]).toEqual([1, 'ShutDown']);
  });

  it('a Lock held and put into a local queue arrives in the thread, after the queue is shared, as the same Lock', () => {
    const lock = new Lock();
    lock.acquire();
    const q = new Queue();
    q.put({ lock, list: [lock] });
    const out = new Queue();
    const t = new Thread({
      target: (qq: Queue, o: Queue) => {
        const item = qq.get() as { lock: Lock; list: Lock[] };
        o.put([item.lock === item.list[0], item.lock.locked()]);
        item.lock.release();
        o.put(item.lock);
      },
      args: [q, out],
    });
    t.start();
    t.join();
    expect(out.get(false)).toEqual([true, true]);
    expect(out.get(false)).toBe(lock);
    expect(lock.locked()).toBe(false);
  });

  it('a put whose item names the local queue itself lands in the queue', () => {
    const q = new Queue();
    q.put('first');
    q.put({ reply: q });
    expect(q.qsize()).toBe(2);
    expect(q.get(false)).toBe('first');
    expect((q.get(false) as { reply: Queue }).reply).toBe(q);
  });
});

describe('Queue.maxsize is a settable attribute, as in Python', () => {
  it('a full queue of 3 shrunk to 2 keeps its 3 items; putNowait raises Full until it has room', () => {
    for (const shared of [false, true]) {
      const q = new Queue(3);
      if (shared) new Thread({ target: (x: Queue) => x.qsize(), args: [q] }).start();
      for (const x of [1, 2, 3]) q.put(x);
      q.maxsize = 2;
      expect(q.maxsize).toBe(2);
      expect(q.qsize()).toBe(3);
      expect(q.full()).toBe(true);
      expect(() => q.putNowait(4)).toThrow(Full);
      expect(q.get()).toBe(1);
      expect(() => q.putNowait(4)).toThrow(Full);
      expect(q.get()).toBe(2);
      q.putNowait(4);
      expect([q.get(), q.get()]).toEqual([3, 4]);
    }
  });

  it('growing it lets a blocked put go on, with no get', () => {
    const q = new Queue(1);
    q.put('first');
    const started = new Event();
    const t = new Thread({ target: (x: Queue, s: Event) => { s.set(); x.put('second'); }, args: [q, started] });
    t.start();
    expect(started.wait(10_000)).toBe(true);
    q.maxsize = 2;
    t.join(10_000);
    expect(t.isAlive()).toBe(false);
    expect([q.get(), q.get()]).toEqual(['first', 'second']);
  });

  it('set from another thread, it applies to every thread; 0 makes the queue unbounded', () => {
    const q = new Queue(1);
    const t = new Thread({ target: (x: Queue) => { x.maxsize = 0; }, args: [q] });
    t.start();
    t.join();
    expect(q.maxsize).toBe(0);
    for (let i = 0; i < 5; i++) q.putNowait(i);
    expect(q.qsize()).toBe(5);
    expect(() => { q.maxsize = 'x' as unknown as number; }).toThrow(TypeError);
  });
});
