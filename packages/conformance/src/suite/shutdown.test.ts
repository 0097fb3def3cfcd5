import { describe, expect, it } from 'vitest';
import { Empty, Queue, ShutDown, Thread } from '#backend';

describe('Queue.shutdown', () => {
  it('after shutdown(), put throws ShutDown', () => {
    const q = new Queue();
    q.shutdown();
    expect(() => q.put(1)).toThrow(ShutDown);
    expect(() => q.putNowait(1)).toThrow(ShutDown);
    expect(q.isShutdown).toBe(true);
  });

  it('shutdown() lets get drain the remaining items, then throws ShutDown', () => {
    const q = new Queue();
    q.put(1);
    q.put(2);
    q.shutdown();
    expect(q.get(true, 10_000)).toBe(1);
    expect(q.get(true, 10_000)).toBe(2);
    expect(() => q.get(true, 10_000)).toThrow(ShutDown);
    expect(() => q.getNowait()).toThrow(ShutDown);
  });

  it('shutdown(true) discards the items: qsize 0, get throws ShutDown', () => {
    const q = new Queue();
    q.put(1);
    q.put(2);
    q.shutdown(true);
    expect(q.qsize()).toBe(0);
    expect(() => q.get(true, 10_000)).toThrow(ShutDown);
  });

  it('shutdown(true) counts the discarded items as done, keeping the ones already got', () => {
    const q = new Queue();
    q.put(1);
    q.put(2);
    q.get(true, 10_000);
    q.shutdown(true);
    expect(q.unfinishedTasks).toBe(1);
    q.taskDone();
    q.join();
    expect(q.unfinishedTasks).toBe(0);
  });

  it('shutdown() wakes a get blocked in another thread with ShutDown', () => {
    const q = new Queue();
    const out = new Queue();
    const started = new Queue();
    const t = new Thread({
      target: (qq: Queue, o: Queue, s: Queue) => { s.put(1); try { qq.get(); o.put('got'); } catch (e) { o.put((e as Error).name); } },
      args: [q, out, started],
    });
    t.start();
    started.get(true, 10_000);
    q.shutdown();
    t.join();
    expect(out.get(true, 10_000)).toBe('ShutDown');
  });

  it('shutdown() wakes a put blocked on a full queue with ShutDown', () => {
    const q = new Queue(1);
    q.put('x');
    const out = new Queue();
    const started = new Queue();
    const t = new Thread({
      target: (qq: Queue, o: Queue, s: Queue) => { s.put(1); try { qq.put('y'); o.put('put'); } catch (e) { o.put((e as Error).name); } },
      args: [q, out, started],
    });
    t.start();
    started.get(true, 10_000);
    q.shutdown();
    t.join();
    expect(out.get(true, 10_000)).toBe('ShutDown');
  });

  it('shutdown(true) releases join()', () => {
    const q = new Queue();
    q.put(1);
    q.put(2);
    const t = new Thread({ target: (qq: Queue) => qq.shutdown(true), args: [q] });
    t.start();
    q.join();
    expect(q.unfinishedTasks).toBe(0);
    t.join();
  });

  it('getAsync rejects with ShutDown once shut down and empty', async () => {
    const q = new Queue();
    const pending = q.getAsync();
    q.shutdown();
    await expect(pending).rejects.toBeInstanceOf(ShutDown);
    await expect(q.putAsync(1)).rejects.toBeInstanceOf(ShutDown);
  });

  it('calling shutdown twice is allowed; repr says shutdown', () => {
    const q = new Queue();
    q.shutdown();
    q.shutdown(true);
    expect(String(q)).toBe('<Queue size=0 shutdown>');
  });

  it('a timed get on a shut-down empty queue throws ShutDown, not Empty', () => {
    const q = new Queue();
    q.shutdown();
    let caught: unknown;
    try { q.get(true, 10); } catch (e) { caught = e; }
    expect(caught).toBeInstanceOf(ShutDown);
    expect(caught).not.toBeInstanceOf(Empty);
  });

  it('for…of and for await end at shutdown', async () => {
    const q = new Queue<number>();
    q.put(1);
    q.put(2);
    q.shutdown();
    expect([...q]).toEqual([1, 2]);
    const r = new Queue<number>();
    r.put(3);
    r.shutdown();
    const got: number[] = [];
    for await (const x of r) got.push(x);
    expect(got).toEqual([3]);
  });
});
