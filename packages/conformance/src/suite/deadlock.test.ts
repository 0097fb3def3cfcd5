import { describe, expect, it } from 'vitest';
import {
  Condition,
  DeadlockError,
  detectDeadlocks,
  dumpThreads,
  Event,
  getDeadlockMode,
  Lock,
  Queue,
  RLock,
  RuntimeError,
  setDeadlockMode,
  sleep,
  Thread,
  Value,
  type Deadlock,
} from '#backend';
import { runChild } from './support';

/** Polls until `detectDeadlocks()` finds a cycle (a handshake on the threads' state); returns what it found. */
function deadlocksFound(limitMs = 20_000): Deadlock[] {
  const end = performance.now() + limitMs;
  for (;;) {
    const found = detectDeadlocks();
    if (found.length > 0) return found;
    if (performance.now() > end) throw new Error(`no deadlock found:\n${dumpThreads()}`);
    sleep(2);
  }
}

/** Polls the dump until every thread named in `names` is waiting. */
function allWaiting(names: string[], limitMs = 20_000): void {
  const end = performance.now() + limitMs;
  for (;;) {
    const dump = dumpThreads();
    const lines = dump.split('\n');
    if (names.every((name) => lines.some((line) => line.startsWith(`"${name}" (ident `) && line.includes('waiting in')))) return;
    if (performance.now() > end) throw new Error(`not all waiting:\n${dump}`);
    sleep(2);
  }
}

/**
 * Takes `first`, says so on `mine`, waits until the next thread holds its own first lock
 * (`other`), then takes `second`: with opposite orders, a cycle. Counts a DeadlockError in
 * `broken` and each thread that got past the second acquire in `done`.
 */
function takeInOrder(first: Lock | RLock, second: Lock | RLock, mine: Event, other: Event, broken: Value, done: Value): void {
  first.acquire();
  mine.set();
  other.wait();
  try {
    second.acquire();
    done.add(1);
    second.release();
  } catch (error) {
    // By name: the function is shipped to threads as source, where the test file's imports are not in scope.
    if ((error as Error).name === 'DeadlockError') broken.add(1);
    else throw error;
  }
  first.release();
}

/** Starts one thread per lock, thread i taking lock i then lock i+1 (mod n): a cycle of n threads. */
function ring(locks: (Lock | RLock)[], prefix: string): { threads: Thread[]; broken: Value; done: Value } {
  const events = locks.map(() => new Event());
  const broken = new Value('i', 0);
  const done = new Value('i', 0);
  const n = locks.length;
  const threads = locks.map(
    (lock, i) =>
      new Thread({ name: `${prefix}-${i + 1}`, target: takeInOrder, args: [lock, locks[(i + 1) % n], events[i], events[(i + 1) % n], broken, done] }),
  );
  threads.forEach((t) => t.start());
  return { threads, broken, done };
}

/** Runs `body` with the deadlock watch in `mode`, switching it off after. */
function withMode(mode: 'warn' | 'raise', body: () => void): void {
  const before = setDeadlockMode(mode);
  try {
    body();
  } finally {
    setDeadlockMode(before);
  }
}

describe('detectDeadlocks', () => {
  it('is off by default, and finds nothing when nothing waits', () => {
    expect(getDeadlockMode()).toBe('off');
    expect(detectDeadlocks()).toEqual([]);
  });

  it('finds a two-lock cycle, with the Thread objects and a readable description', () => {
    const a = new Lock();
    const b = new Lock();
    // No releases: the main thread breaks the cycle by releasing both locks (any thread may release a Lock).
    const body = (first: Lock, second: Lock, mine: Event, other: Event) => { first.acquire(); mine.set(); other.wait(); second.acquire(); };
    const e1 = new Event();
    const e2 = new Event();
    const t1 = new Thread({ name: 'two-lock-1', target: body, args: [a, b, e1, e2] });
    const t2 = new Thread({ name: 'two-lock-2', target: body, args: [b, a, e2, e1] });
    t1.start();
    t2.start();
    const found = deadlocksFound();
    expect(found).toHaveLength(1);
    const [cycle] = found;
    expect(cycle.threads).toHaveLength(2);
    expect(new Set(cycle.threads)).toEqual(new Set([t1, t2]));
    expect(cycle.description).toMatch(/^deadlock of 2 threads:\n/);
    expect(cycle.description).toMatch(new RegExp(`"two-lock-1" \\(ident ${t1.ident}\\) waits in Lock\\.acquire <Lock locked>, held by "two-lock-2" \\(ident ${t2.ident}\\)`));
    expect(cycle.description).toMatch(new RegExp(`"two-lock-2" \\(ident ${t2.ident}\\) waits in Lock\\.acquire <Lock locked>, held by "two-lock-1" \\(ident ${t1.ident}\\)`));
    expect(dumpThreads()).toContain('Found 1 deadlock:');
    a.release();
    b.release();
    t1.join();
    t2.join();
    expect(detectDeadlocks()).toEqual([]);
  });

  it('finds a three-thread cycle', () => {
    const locks = [new Lock(), new Lock(), new Lock()];
    const body = (first: Lock, second: Lock, mine: Event, other: Event) => { first.acquire(); mine.set(); other.wait(); second.acquire(); };
    const events = [new Event(), new Event(), new Event()];
    const threads = locks.map((lock, i) => new Thread({ name: `ring3-${i + 1}`, target: body, args: [lock, locks[(i + 1) % 3], events[i], events[(i + 1) % 3]] }));
    threads.forEach((t) => t.start());
    const [cycle] = deadlocksFound();
    expect(new Set(cycle.threads)).toEqual(new Set(threads));
    expect(cycle.description).toMatch(/^deadlock of 3 threads:/);
    locks.forEach((lock) => lock.release());
    threads.forEach((t) => t.join());
  });

  it('finds a cycle through join(): a thread joins one that waits for a lock it holds', () => {
    const lock = new Lock();
    const holding = new Event();
    const q = new Queue<Thread>();
    const joiner = new Thread({
      name: 'cycle-joiner',
      target: (l: Lock, h: Event, queue: Queue<Thread>) => { l.acquire(); h.set(); queue.get().join(); },
      args: [lock, holding, q],
    });
    const locker = new Thread({ name: 'cycle-locker', target: (l: Lock, h: Event) => { h.wait(); l.acquire(); }, args: [lock, holding] });
    joiner.start();
    locker.start();
    q.put(locker);
    const [cycle] = deadlocksFound();
    expect(new Set(cycle.threads)).toEqual(new Set([joiner, locker]));
    expect(cycle.description).toMatch(new RegExp(`"cycle-joiner" \\(ident \\d+\\) waits in join\\(<Thread\\(cycle-locker, started ${locker.ident}\\)>\\)`));
    expect(cycle.description).toContain('"cycle-locker"');
    lock.release();
    locker.join();
    joiner.join();
  });

  it('reports no cycle for waits without an owner: Condition, Event, Queue (even when they wait on each other)', () => {
    const cond = new Condition();
    const ev = new Event();
    const q = new Queue();
    const gate = new Event();
    // Each of these waits for something only another of them would do: stuck, but not an ownership cycle.
    const t1 = new Thread({ name: 'fp-event', target: (e: Event, queue: Queue) => { e.wait(); queue.put(1); }, args: [ev, q] });
    const t2 = new Thread({ name: 'fp-queue', target: (queue: Queue, e: Event) => { queue.get(); e.set(); }, args: [q, gate] });
    const t3 = new Thread({ name: 'fp-cond', target: (c: Condition, g: Event) => { c.acquire(); c.waitFor(() => g.isSet()); c.release(); }, args: [cond, gate] });
    [t1, t2, t3].forEach((t) => t.start());
    allWaiting(['fp-event', 'fp-queue', 'fp-cond']);
    expect(detectDeadlocks()).toEqual([]);
    expect(dumpThreads()).toContain('No deadlock found.');
    ev.set();
    t1.join();
    t2.join();
    cond.acquire();
    cond.notifyAll();
    cond.release();
    t3.join();
  });
});

describe('deadlock watch', () => {
  it('rejects an unknown mode with a RangeError', () => {
    expect(() => setDeadlockMode('loud' as never)).toThrow(RangeError);
    expect(getDeadlockMode()).toBe('off');
  });

  it("'raise' breaks exactly one thread of a three-lock cycle with DeadlockError; the others finish", () => {
    withMode('raise', () => {
      const { threads, broken, done } = ring([new Lock(), new Lock(), new Lock()], 'raise-lock');
      threads.forEach((t) => t.join());
      expect(broken.value).toBe(1);
      expect(done.value).toBe(2);
    });
    expect(new DeadlockError('x')).toBeInstanceOf(RuntimeError);
  });

  it("'raise' works the same for RLocks", () => {
    withMode('raise', () => {
      const { threads, broken, done } = ring([new RLock(), new RLock()], 'raise-rlock');
      threads.forEach((t) => t.join());
      expect(broken.value).toBe(1);
      expect(done.value).toBe(1);
    });
  });

  it("'raise' breaks a join cycle: one join throws DeadlockError, the other returns", () => {
    withMode('raise', () => {
      const forA = new Queue<Thread>();
      const forB = new Queue<Thread>();
      const outcomes = new Queue<string>();
      const joinOther = (queue: Queue<Thread>, out: Queue<string>) => {
        try {
          queue.get().join();
          out.put('joined');
        } catch (error) {
          out.put((error as Error).name === 'DeadlockError' ? `deadlock: ${(error as Error).message}` : String(error));
        }
      };
      const a = new Thread({ name: 'join-a', target: joinOther, args: [forA, outcomes] });
      const b = new Thread({ name: 'join-b', target: joinOther, args: [forB, outcomes] });
      a.start();
      b.start();
      forA.put(b);
      forB.put(a);
      a.join();
      b.join();
      const results = [outcomes.get(), outcomes.get()].sort();
      expect(results[0]).toMatch(/^deadlock: deadlock of 2 threads:\n.*waits in join\(<Thread\(join-[ab], started \d+\)>\)/);
      expect(results[1]).toBe('joined');
    });
  });

  it("'warn' prints the cycle and its threads' dump to stderr once, and changes nothing else", () => {
    const r = runChild('child-diagnostics.mjs', ['warn'], { THREADKIT_DEADLOCK: 'warn' });
    expect(r.stdout).toContain('joined, acquired=false');
    expect(r.status).toBe(0);
    expect(r.stderr.split('threadkit: deadlock of 2 threads:').length - 1).toBe(1);
    expect(r.stderr).toMatch(/"MainThread" \(ident 1\) waits in Lock\.acquire <Lock locked>, held by "warn-holder" \(ident \d+\)/);
    expect(r.stderr).toMatch(/"warn-holder" \(ident \d+\) nativeId=\d+: waiting in Lock\.acquire <Lock locked> for \d+ ms, held by "MainThread" \(ident 1\)/);
  });

  it('THREADKIT_DEADLOCK with a bad value is a RangeError at import', () => {
    const r = runChild('child-diagnostics.mjs', ['none'], { THREADKIT_DEADLOCK: 'sometimes' });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("THREADKIT_DEADLOCK must be 'warn', 'raise' or 'off', not \"sometimes\"");
  });
});
