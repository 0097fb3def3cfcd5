import { availableParallelism } from 'node:os';
import { describe, expect, it } from 'vitest';
import * as parity from '#backend';
import {
  BrokenThreadPool,
  CancelledError,
  Empty,
  Event,
  Executor,
  Future,
  Lock,
  mainThread,
  NotImplementedError,
  Queue,
  RuntimeError,
  Thread,
  ThreadPoolExecutor,
  TimeoutError,
  wait,
} from '#backend';
import { fx } from './support';

describe('Executor (the base class)', () => {
  it('submit on the base class raises NotImplementedError (a RuntimeError); shutdown does nothing', () => {
    const ex = new Executor();
    expect(() => ex.submit(() => 1)).toThrow(NotImplementedError);
    expect(() => ex.submit(() => 1)).toThrow(RuntimeError);
    expect(() => [...ex.map((x: number) => x, [1])]).toThrow(NotImplementedError);
    expect([...ex.map((x: number) => x, [])]).toEqual([]);
    expect(ex.shutdown()).toBeUndefined();
  });

  it('a subclass that defines submit gets map, mapAsync and using', async () => {
    const calls: string[] = [];
    class InlineExecutor extends Executor {
      override submit(fn: (...args: any[]) => unknown, ...args: unknown[]): Future<unknown> {
        const future = new Future<unknown>();
        future.setResult(fn(...args));
        return future;
      }
      override shutdown(): void {
        calls.push('shutdown');
      }
    }
    expect([...new InlineExecutor().map((a: number, b: number) => a * b, [1, 2, 3], [4, 5, 6])]).toEqual([4, 10, 18]);
    const results: unknown[] = [];
    for await (const r of new InlineExecutor().mapAsync((x: number) => x + 1, [1, 2])) results.push(r);
    expect(results).toEqual([2, 3]);
    {
      using ex = new InlineExecutor();
      expect(ex.submit(() => 'ran').result()).toBe('ran');
    }
    expect(calls).toEqual(['shutdown']);
    expect(new ThreadPoolExecutor(1)).toBeInstanceOf(Executor);
  });
});

describe('ThreadPoolExecutor', () => {
  it('submit runs a function with arguments on a pool thread and returns a Future', () => {
    const ex = new ThreadPoolExecutor(2);
    const f = ex.submit((a: number, b: number) => a + b, 2, 3);
    expect(f).toBeInstanceOf(Future);
    expect(f.result(10_000)).toBe(5);
    ex.shutdown();
  });

  it('async tasks are awaited', async () => {
    const ex = new ThreadPoolExecutor(1);
    const f = ex.submit(async (x: number) => { await new Promise((r) => setTimeout(r, 1)); return x * 3; }, 4);
    expect(await f).toBe(12);
    ex.shutdown();
  });

  it('a task that throws completes its future with the error', () => {
    const ex = new ThreadPoolExecutor(1);
    const f = ex.submit(() => { throw new RangeError('task failed'); });
    const e = f.exception(10_000) as Error;
    expect(e).toBeInstanceOf(RangeError);
    expect(e.message).toBe('task failed');
    expect(() => f.result()).toThrow('task failed');
    ex.shutdown();
  });

  it('module exports run as tasks; tasks run on pool threads, not main', () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1, threadNamePrefix: 'pfx' });
    const name = ex.submit(fx('threadName')).result(10_000);
    expect(name).toBe('pfx_0');
    expect(name).not.toBe(mainThread().name);
    ex.shutdown();
  });

  it('default thread names are ThreadPoolExecutor-N_i', () => {
    const ex = new ThreadPoolExecutor(1);
    expect(ex.submit(fx('threadName')).result(10_000)).toMatch(/^ThreadPoolExecutor-\d+_0$/);
    ex.shutdown();
  });

  it('maxWorkers defaults to min(32, cpu count + 4)', () => {
    const ex = new ThreadPoolExecutor();
    expect(ex.maxWorkers).toBe(Math.min(32, availableParallelism() + 4));
    ex.shutdown();
  });

  it('runs at most maxWorkers tasks at once; the rest wait as pending', () => {
    const ex = new ThreadPoolExecutor(2);
    const release = new Event();
    const started = new Queue();
    const block = (s: Queue, r: Event, i: number) => { s.put(i); r.wait(); return i; };
    const fs = [0, 1, 2].map((i) => ex.submit(block, started, release, i));
    const first = [started.get(true, 10_000), started.get(true, 10_000)].sort();
    expect(first).toEqual([0, 1]);
    expect(() => started.get(true, 50)).toThrow(Empty);
    expect(fs[2]!.running()).toBe(false);
    expect(fs[2]!.done()).toBe(false);
    release.set();
    expect(fs.map((f) => f.result(10_000))).toEqual([0, 1, 2]);
    ex.shutdown();
  });

  it('pool threads are reused: one worker runs every task', () => {
    const ex = new ThreadPoolExecutor(1);
    const idents = Array.from({ length: 5 }, () => ex.submit(fx('threadIdent'))).map((f) => f.result(10_000));
    expect(new Set(idents).size).toBe(1);
    ex.shutdown();
  });

  it('the initializer runs with initargs in each pool thread before its tasks', () => {
    const q = new Queue();
    const ex = new ThreadPoolExecutor({ maxWorkers: 1, threadNamePrefix: 'init', initializer: fx('recordInit'), initargs: [q, 'tag'] });
    expect(ex.submit((x: number) => x, 1).result(10_000)).toBe(1);
    expect(q.get(true, 10_000)).toEqual(['tag', 'init_0']);
    ex.shutdown();
  });

  it('a failing initializer breaks the pool: futures and later submits get BrokenThreadPool', () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1, initializer: fx('failingInit') });
    const f = ex.submit(() => 1);
    expect(() => f.result(10_000)).toThrow(BrokenThreadPool);
    expect(() => f.result()).toThrow('A thread initializer failed, the thread pool is not usable anymore');
    expect(() => ex.submit(() => 2)).toThrow(BrokenThreadPool);
    ex.shutdown();
  });

  it('map yields results in order of the inputs', () => {
    const ex = new ThreadPoolExecutor(3);
    expect([...ex.map((x: number) => x * x, [1, 2, 3, 4, 5])]).toEqual([1, 4, 9, 16, 25]);
    ex.shutdown();
  });

  it('map zips several iterables, stopping at the shortest', () => {
    const ex = new ThreadPoolExecutor(2);
    expect([...ex.map((a: number, b: string) => `${b}${a}`, [1, 2, 3], ['a', 'b'])]).toEqual(['a1', 'b2']);
    ex.shutdown();
  });

  it('map stops at the first failure, throwing its error', () => {
    const ex = new ThreadPoolExecutor(2);
    const got: number[] = [];
    expect(() => {
      for (const r of ex.map((x: number) => { if (x === 0) throw new RangeError('division by zero'); return 10 / x; }, [1, 0, 2])) got.push(r);
    }).toThrow('division by zero');
    expect(got).toEqual([10]);
    ex.shutdown();
  });

  it('map with a timeout throws TimeoutError when results are late', () => {
    const ex = new ThreadPoolExecutor(1);
    const release = new Event();
    expect(() => [...ex.map((r: Event) => r.wait(), [release], { timeout: 50 })]).toThrow(TimeoutError);
    release.set();
    ex.shutdown();
  });

  it('mapAsync yields results in order without blocking', async () => {
    const ex = new ThreadPoolExecutor(2);
    const out: number[] = [];
    for await (const r of ex.mapAsync((x: number) => x + 1, [1, 2, 3])) out.push(r);
    expect(out).toEqual([2, 3, 4]);
    await ex.shutdownAsync();
  });

  it('shutdown() waits for submitted work; submit afterwards throws RuntimeError', () => {
    const ex = new ThreadPoolExecutor(2);
    const fs = [1, 2, 3, 4].map((x) => ex.submit((y: number) => y * 2, x));
    ex.shutdown();
    expect(fs.every((f) => f.done())).toBe(true);
    expect(fs.map((f) => f.result())).toEqual([2, 4, 6, 8]);
    expect(() => ex.submit(() => 1)).toThrow(RuntimeError);
    expect(() => ex.submit(() => 1)).toThrow('cannot schedule new futures after shutdown');
  });

  it('shutdown({ cancelFutures: true }) cancels pending futures, running ones finish', () => {
    const ex = new ThreadPoolExecutor(1);
    const release = new Event();
    const started = new Event();
    const running = ex.submit((s: Event, r: Event) => { s.set(); r.wait(); return 'ran'; }, started, release);
    const pending = [1, 2, 3].map((x) => ex.submit((y: number) => y, x));
    started.wait(10_000);
    ex.shutdown({ wait: false, cancelFutures: true });
    expect(pending.every((f) => f.cancelled())).toBe(true);
    release.set();
    expect(running.result(10_000)).toBe('ran');
    ex.shutdown();
  });

  it('shutdown(false) returns at once; the work still completes', () => {
    const ex = new ThreadPoolExecutor(1);
    const release = new Event();
    const f = ex.submit((r: Event) => { r.wait(); return 'done'; }, release);
    ex.shutdown(false);
    expect(f.done()).toBe(false);
    release.set();
    expect(f.result(10_000)).toBe('done');
  });

  it('shutdown can be called twice', () => {
    const ex = new ThreadPoolExecutor(1);
    ex.shutdown();
    ex.shutdown();
    expect(() => ex.submit(() => 1)).toThrow(RuntimeError);
  });

  it('using shuts the executor down (waiting) at the end of the block', () => {
    let f: Future<number> | undefined;
    {
      using ex = new ThreadPoolExecutor(2);
      f = ex.submit((x: number) => x + 1, 1);
    }
    expect(f.done()).toBe(true);
    expect(f.result()).toBe(2);
  });

  it('await using shuts the executor down without blocking the event loop', async () => {
    let f: Future<string> | undefined;
    {
      await using ex = new ThreadPoolExecutor(2);
      f = ex.submit(() => 'async scope');
    }
    expect(f.done()).toBe(true);
  });

  it('results that are shared objects arrive as shared objects', () => {
    const ex = new ThreadPoolExecutor(1);
    const lock = ex.submit(fx('makeLock')).result(10_000) as Lock;
    expect(lock).toBeInstanceOf(Lock);
    expect(lock.acquire(false)).toBe(true);
    const seen = ex.submit((l: Lock) => l.locked(), lock).result(10_000);
    expect(seen).toBe(true);
    lock.release();
    ex.shutdown();
  });

  it('a cancelled pending future never runs', () => {
    const ex = new ThreadPoolExecutor(1);
    const release = new Event();
    const ran = new Event();
    const first = ex.submit((r: Event) => r.wait(), release);
    const second = ex.submit((r: Event) => r.set(), ran);
    expect(second.cancel()).toBe(true);
    release.set();
    first.result(10_000);
    ex.shutdown();
    expect(ran.isSet()).toBe(false);
    expect(second.cancelled()).toBe(true);
  });
});

describe('ThreadPoolExecutor: futures and pool memory', () => {
  it('result() of a submitted call is the identical object every time; sent to a thread, the future arrives done with it', () => {
    const ex = new ThreadPoolExecutor(1);
    const f = ex.submit((n: number) => ({ n }), 4);
    const r = f.result(10_000);
    expect(r).toEqual({ n: 4 });
    expect(f.result()).toBe(r);
    const q = new Queue();
    const t = new Thread({ target: (g: Future<{ n: number }>, out: Queue) => out.put([g.done(), g.result(0).n]), args: [f, q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toEqual([true, 4]);
    expect(f.result()).toBe(r);
    ex.shutdown();
  });

  it('futures nobody looked at while they ran still give their results, identical every time', () => {
    const ex = new ThreadPoolExecutor(2);
    const first = ex.submit((x: number) => [x], 1);
    const rest = Array.from({ length: 2000 }, (_, i) => ex.submit((x: number) => x, i));
    ex.shutdown();
    const r = first.result();
    expect(r).toEqual([1]);
    expect(first.result()).toBe(r);
    expect(rest.reduce((sum, f) => sum + (f.result() as number), 0)).toBe((2000 * 1999) / 2);
  });

  it('a call cancelled while queued counts as done for wait() only once the pool reaches it', () => {
    const ex = new ThreadPoolExecutor(1);
    const release = new Event();
    const blocker = ex.submit((r: Event) => r.wait(), release);
    const victim = ex.submit((x: number) => x, 1);
    expect(victim.cancel()).toBe(true);
    expect(victim.cancelled()).toBe(true);
    expect(wait([victim], 20).notDone.has(victim)).toBe(true);
    release.set();
    blocker.result(10_000);
    expect(wait([victim], 10_000).done.has(victim)).toBe(true);
    expect(victim.cancelled()).toBe(true);
    expect(() => victim.result()).toThrow(CancelledError);
    ex.shutdown();
  });

  it('a done callback on a submitted future runs once', async () => {
    const ex = new ThreadPoolExecutor(1);
    const f = ex.submit((x: number) => x * 2, 21);
    let calls = 0;
    const ran = new Promise<void>((resolve) => f.addDoneCallback(() => { calls++; resolve(); }));
    expect(f.result(10_000)).toBe(42);
    await ran;
    for (let i = 0; i < 10; i++) ex.submit(() => 0);
    await ex.shutdownAsync();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toBe(1);
  });

  it('after shutdown (its threads gone) the executor still answers: repr, submit, shutdown', () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1, threadNamePrefix: 'gone' });
    expect(ex.submit(() => 1).result(10_000)).toBe(1);
    ex.shutdown();
    expect(String(ex)).toBe('<ThreadPoolExecutor gone threads=1/1 shutdown>');
    expect(() => ex.submit(() => 1)).toThrow('cannot schedule new futures after shutdown');
    ex.shutdown({ cancelFutures: true });
    expect(String(ex)).toBe('<ThreadPoolExecutor gone threads=1/1 shutdown>');
  });

  it('shutdown(false), then the threads end: the executor answers the same', () => {
    const ex = new ThreadPoolExecutor({ maxWorkers: 1, threadNamePrefix: 'later' });
    const release = new Event();
    const f = ex.submit((r: Event) => r.wait(), release);
    ex.shutdown(false);
    expect(String(ex)).toBe('<ThreadPoolExecutor later threads=1/1 shutdown>');
    release.set();
    expect(f.result(10_000)).toBe(true);
    ex.shutdown();
    expect(String(ex)).toBe('<ThreadPoolExecutor later threads=1/1 shutdown>');
    expect(() => ex.submit(() => 1)).toThrow(RuntimeError);
  });
});

describe('ThreadPoolExecutor: Python parity', () => {
  it('a non-callable initializer raises TypeError("initializer must be a callable")', () => {
    expect(() => new parity.ThreadPoolExecutor({ initializer: 5 as never })).toThrow(new TypeError('initializer must be a callable'));
    expect(() => new parity.ThreadPoolExecutor(2, '', 'not a function' as never)).toThrow('initializer must be a callable');
  });

  it('futures cancelled by shutdown({ cancelFutures }) count as done for wait() at once (CPython leaves them pending forever: documented difference)', () => {
    const gate = new parity.Event();
    const ex = new parity.ThreadPoolExecutor(1);
    const started = new parity.Event();
    const blocker = ex.submit((g: parity.Event, s: parity.Event) => { s.set(); return g.wait(); }, gate, started);
    expect(started.wait(10_000)).toBe(true);
    const queued = [1, 2, 3].map((x) => ex.submit((n: number) => n, x));
    ex.shutdown({ wait: false, cancelFutures: true });
    expect(queued.every((f) => f.cancelled())).toBe(true);
    const { done, notDone } = parity.wait(queued, 0);
    expect(done.size).toBe(3);
    expect(notDone.size).toBe(0);
    gate.set();
    expect(blocker.result(10_000)).toBe(true);
    ex.shutdown();
  });
});
