import { describe, expect, it } from 'vitest';
import * as tk from '#backend';

// Inside a self-contained task, threadkit's exports are in scope (the thread compiles it with
// them); this file imports the API as a namespace so those bare names stay untouched.
declare const wait: typeof tk.wait;
declare const asCompleted: typeof tk.asCompleted;
declare const currentThread: typeof tk.currentThread;
declare const SimpleQueue: typeof tk.SimpleQueue;
declare const Barrier: typeof tk.Barrier;

/** A binary tree of tasks `depth` deep, each forking two subtasks into its own pool and joining them: the leaves' count. */
function tree(ex: tk.ThreadPoolExecutor, depth: number): number {
  if (depth === 0) return 1;
  const left = ex.submit(tree, ex, depth - 1);
  const right = ex.submit(tree, ex, depth - 1);
  return left.result() + right.result();
}

describe('executor fork/join: tasks that submit to their own pool and wait', () => {
  it('the executor is a handle: a task receives the same pool, and the owner gets its own object back', () => {
    using ex = new tk.ThreadPoolExecutor(2);
    const back = ex.submit((e: tk.ThreadPoolExecutor) => [String(e), e] as const, ex).result(10_000);
    expect(back[0]).toMatch(/^<ThreadPoolExecutor ThreadPoolExecutor-\d+ threads=\d\/2>$/);
    expect(back[1]).toBe(ex);
  });

  for (const maxWorkers of [1, 2]) {
    it(`nested fork/join at depth 10 with maxWorkers: ${maxWorkers} finishes with Python's result`, () => {
      using ex = new tk.ThreadPoolExecutor(maxWorkers);
      expect(ex.submit(tree, ex, 10).result(60_000)).toBe(1024);
      const stats = ex.stats();
      expect(stats.submitted).toBe(2047);
      expect(stats.completed).toBe(2047);
      expect(stats.threads).toBeLessThanOrEqual(maxWorkers);
    });
  }

  it('wait() and asCompleted() inside a task of a one-thread pool run the forks they wait on', () => {
    using ex = new tk.ThreadPoolExecutor(1);
    const viaWait = ex.submit((e: tk.ThreadPoolExecutor) => {
      const fs = [1, 2, 3].map((x) => e.submit((y: number) => y * 10, x));
      const { done, notDone } = wait(fs);
      return [done.size, notDone.size, fs.map((f) => f.result())];
    }, ex);
    expect(viaWait.result(10_000)).toEqual([3, 0, [10, 20, 30]]);
    const viaAsCompleted = ex.submit((e: tk.ThreadPoolExecutor) => {
      const fs = [1, 2, 3].map((x) => e.submit((y: number) => y + 1, x));
      const seen: number[] = [];
      for (const f of asCompleted(fs)) seen.push(f.result() as number);
      return seen.sort();
    }, ex);
    expect(viaAsCompleted.result(10_000)).toEqual([2, 3, 4]);
  });

  it('a future awaited by two nested waits in one thread (the inner one run while the outer helps) stays valid for both', () => {
    using ex = new tk.ThreadPoolExecutor(1);
    const f = ex.submit((e: tk.ThreadPoolExecutor) => {
      const x = e.submit((n: number) => n + 1, 41);
      // Run inline by the outer wait below (the newest fork); it waits on the same future.
      const inner = e.submit((fx: tk.Future<number>) => fx.result() * 2, x);
      const outer = x.result();
      return [outer, inner.result(), x.result()];
    }, ex);
    expect(f.result(10_000)).toEqual([42, 84, 42]);
  });

  it('a waiting pool thread runs its own forks newest first', () => {
    using ex = new tk.ThreadPoolExecutor(1);
    const order = ex.submit((e: tk.ThreadPoolExecutor) => {
      const log: string[] = [];
      const q = new SimpleQueue();
      const fs = ['a', 'b', 'c'].map((label) => e.submit((l: string, out: tk.SimpleQueue) => out.put(l), label, q));
      fs[0]!.result();
      for (const f of fs) f.result();
      while (!q.empty()) log.push(q.get() as string);
      return log;
    }, ex);
    expect(order.result(10_000)).toEqual(['c', 'b', 'a']);
  });

  it('forks run in parallel: an idle pool thread steals them (a two-party barrier between two forks passes)', () => {
    using ex = new tk.ThreadPoolExecutor(2);
    const names = ex.submit((e: tk.ThreadPoolExecutor) => {
      const barrier = new Barrier(2);
      const side = (b: tk.Barrier): string => {
        b.wait(20_000);
        return currentThread().name;
      };
      const fs = [e.submit(side, barrier), e.submit(side, barrier)];
      return fs.map((f) => f.result());
    }, ex);
    const [first, second] = names.result(30_000) as string[];
    expect(first).not.toBe(second);
  });

  it('a thread that is not in the pool may hold the executor and submit to it', () => {
    using ex = new tk.ThreadPoolExecutor(2);
    const results = new tk.Queue();
    const t = new tk.Thread({
      target: (e: tk.ThreadPoolExecutor, out: tk.Queue) => out.put(e.submit((x: number) => x * 2, 21).result()),
      args: [ex, results],
    });
    t.start();
    t.join();
    expect(results.get(true, 10_000)).toBe(42);
  });

  it("shutdown(wait) from the pool's own task: RuntimeError('cannot join current thread'), as CPython", () => {
    const ex = new tk.ThreadPoolExecutor(1);
    const f = ex.submit((e: tk.ThreadPoolExecutor) => {
      try {
        e.shutdown();
        return 'returned';
      } catch (error) {
        return `${(error as Error).name}: ${(error as Error).message}`;
      }
    }, ex);
    expect(f.result(10_000)).toBe('RuntimeError: cannot join current thread');
    expect(() => ex.submit(() => 1)).toThrow('cannot schedule new futures after shutdown');
    ex.shutdown();
  });

  it('shutdown({ cancelFutures: true }) cancels forks still queued in a pool thread\'s deque', () => {
    const ex = new tk.ThreadPoolExecutor(1);
    const forked = new tk.Event();
    const gate = new tk.Event();
    const root = ex.submit((e: tk.ThreadPoolExecutor, f: tk.Event, g: tk.Event) => {
      const fs = [1, 2, 3].map((x) => e.submit((y: number) => y, x));
      f.set();
      g.wait();
      return fs.map((x) => x.cancelled());
    }, ex, forked, gate);
    expect(forked.wait(10_000)).toBe(true);
    ex.shutdown({ wait: false, cancelFutures: true });
    gate.set();
    expect(root.result(10_000)).toEqual([true, true, true]);
    ex.shutdown();
  });
});
