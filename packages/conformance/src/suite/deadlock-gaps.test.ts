import { describe, expect, it } from 'vitest';
import * as tk from '#backend';

// The thread bodies below use dumpThreads and sleep, which are in scope in every thread (the
// thread compiles a body with threadkit's exports); bound here from the namespace so that the
// test file's compiler leaves those bare names alone.
const { Condition, detectDeadlocks, dumpThreads, Event, Lock, Queue, setDeadlockMode, sleep, Thread, ThreadPoolExecutor } = tk;

/** Polls the dump until `pattern` matches it (a handshake on the threads' state, not a timing). */
function dumpShows(pattern: RegExp, limitMs = 20_000): string {
  const end = performance.now() + limitMs;
  for (;;) {
    const dump = dumpThreads();
    if (pattern.test(dump)) return dump;
    if (performance.now() > end) throw new Error(`the dump never matched ${pattern}:\n${dump}`);
    sleep(2);
  }
}

describe('deadlock watch: timed waits, Condition re-acquire', () => {
  it("'raise' does not break a cycle with a timed wait in it: the timed acquire times out and returns false", () => {
    const before = setDeadlockMode('raise');
    try {
      const a = new Lock();
      const b = new Lock();
      const outcomes = new Queue<string>();
      const holdsA = new Event();
      // 'timed' holds A, then tries B for 300 ms; 'untimed' holds B, then waits for A forever.
      const timed = new Thread({
        name: 'gap-timed',
        target: (first: tk.Lock, second: tk.Lock, held: tk.Event, out: tk.Queue<string>) => {
          first.acquire();
          held.set();
          while (!/"gap-untimed"[^\n]*waiting in Lock\.acquire/.test(dumpThreads())) sleep(1);
          try {
            out.put(`timed acquire returned ${second.acquire(true, 300)}`);
          } catch (error) {
            out.put(`timed acquire raised ${(error as Error).name}`);
          }
          first.release();
        },
        args: [a, b, holdsA, outcomes],
      });
      const untimed = new Thread({
        name: 'gap-untimed',
        target: (first: tk.Lock, second: tk.Lock, held: tk.Event, out: tk.Queue<string>) => {
          second.acquire();
          held.wait();
          first.acquire();
          out.put('untimed acquire returned');
          first.release();
          second.release();
        },
        args: [a, b, holdsA, outcomes],
      });
      timed.start();
      untimed.start();
      timed.join();
      untimed.join();
      expect([outcomes.get(), outcomes.get()].sort()).toEqual(['timed acquire returned false', 'untimed acquire returned']);
    } finally {
      setDeadlockMode(before);
    }
  });

  it("'raise': a cycle closed by a Condition's lock re-acquire breaks another thread's acquire; wait() returns with the lock held", () => {
    const before = setDeadlockMode('raise');
    try {
      const guard = new Lock(); // the condition's lock
      const cond = new Condition(guard);
      const other = new Lock();
      const outcomes = new Queue<string>();
      // 'waiter' holds `other`, then waits on the condition (releasing `guard`).
      const waiter = new Thread({
        name: 'gap-cond-waiter',
        target: (c: tk.Condition, o: tk.Lock, out: tk.Queue<string>) => {
          o.acquire();
          c.acquire();
          c.wait();
          // Back with the lock held: releasing it must work (a `using` would do this).
          c.release();
          out.put('waiter: wait() returned with the lock held');
          o.release();
        },
        args: [cond, other, outcomes],
      });
      waiter.start();
      dumpShows(/"gap-cond-waiter"[^\n]*waiting in Condition\.wait/);
      // 'holder' takes the condition's lock, then wants `other`, which the waiter holds.
      const holder = new Thread({
        name: 'gap-lock-holder',
        target: (g: tk.Lock, o: tk.Lock, out: tk.Queue<string>) => {
          g.acquire();
          try {
            o.acquire();
            out.put('holder: acquired');
            o.release();
          } catch (error) {
            out.put(`holder: ${(error as Error).name}`);
          }
          g.release();
        },
        args: [guard, other, outcomes],
      });
      holder.start();
      dumpShows(/"gap-lock-holder"[^\n]*waiting in Lock\.acquire/);
      // The guard is locked (by the holder): Python lets any thread notify then. The waiter wakes,
      // and its re-acquire of the guard closes the cycle.
      cond.notify();
      waiter.join();
      holder.join();
      expect([outcomes.get(), outcomes.get()].sort()).toEqual(['holder: DeadlockError', 'waiter: wait() returned with the lock held']);
      expect(detectDeadlocks()).toEqual([]);
    } finally {
      setDeadlockMode(before);
    }
  });
});

describe('dump: async waits of an idle executor thread', () => {
  it('an idle pool thread shows as waiting for work, not running', () => {
    const ex = new ThreadPoolExecutor(1, 'gap-idle');
    try {
      expect(ex.submit((x: number) => x + 1, 1).result()).toBe(2);
      const dump = dumpShows(/"gap-idle_0"[^\n]*waiting in ThreadPoolExecutor idle, waiting for work/);
      expect(dump).not.toMatch(/"gap-idle_0"[^\n]*: running/);
    } finally {
      ex.shutdown();
    }
  });
});
