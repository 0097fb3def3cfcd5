import { describe, expect, it } from 'vitest';
import * as tk from '#backend';
import { fx, requireNode } from './support';

// Inside a self-contained task, threadkit's exports are in scope (the thread compiles it with
// them); this file imports the API as a namespace so those bare names stay untouched.
declare const taskSignal: typeof tk.taskSignal;
declare const getIdent: typeof tk.getIdent;

/** A one-thread pool held busy until `release()`: what is submitted after it stays queued. */
function busyPool(): { ex: tk.ThreadPoolExecutor; release: () => void } {
  const ex = new tk.ThreadPoolExecutor(1);
  const gate = new tk.Event();
  const started = new tk.Event();
  ex.submit((g: tk.Event, s: tk.Event) => { s.set(); g.wait(); }, gate, started);
  expect(started.wait(10_000)).toBe(true);
  return { ex, release: () => gate.set() };
}

describe('executor control: submitWith options and taskSignal()', () => {
  it('priority: lower runs first among queued tasks, equal priorities in submission order', () => {
    const { ex, release } = busyPool();
    const order = new tk.Queue();
    const log = (label: string, q: tk.Queue): void => q.put(label);
    const fs = [
      ex.submitWith({ priority: 5 }, log, 'p5', order),
      ex.submitWith({ priority: 1 }, log, 'p1-a', order),
      ex.submit(log, 'p0-plain', order),
      ex.submitWith({ priority: 3 }, log, 'p3', order),
      ex.submitWith({ priority: 1 }, log, 'p1-b', order),
      ex.submitWith({ priority: -2 }, log, 'p-2', order),
      ex.submit(log, 'p0-plain-2', order),
    ];
    release();
    for (const f of fs) f.result(10_000);
    expect(Array.from({ length: fs.length }, () => order.get(true, 10_000))).toEqual(['p-2', 'p0-plain', 'p0-plain-2', 'p1-a', 'p1-b', 'p3', 'p5']);
    ex.shutdown();
  });

  it('signal: aborting it cancels a queued task, which never runs', () => {
    const { ex, release } = busyPool();
    const ran = new tk.Queue();
    const controller = new AbortController();
    const f = ex.submitWith({ signal: controller.signal }, (q: tk.Queue) => q.put('ran'), ran);
    controller.abort();
    expect(f.cancelled()).toBe(true);
    expect(() => f.result(10_000)).toThrow(tk.CancelledError);
    const already = new AbortController();
    already.abort();
    expect(ex.submitWith({ signal: already.signal }, () => 1).cancelled()).toBe(true);
    release();
    ex.shutdown();
    expect(ran.qsize()).toBe(0);
  });

  it('signal: one signal over many futures cancels every one still queued when it aborts', () => {
    const ex = new tk.ThreadPoolExecutor(1);
    const controller = new AbortController();
    // A first batch on the signal runs to its end (the signal's list lets go of done futures as more come).
    const early = Array.from({ length: 200 }, (_, i) => ex.submitWith({ signal: controller.signal }, (x: number) => x, i));
    expect(early.map((f) => f.result(10_000))).toEqual(Array.from({ length: 200 }, (_, i) => i));
    const gate = new tk.Event();
    const started = new tk.Event();
    ex.submit((g: tk.Event, s: tk.Event) => { s.set(); g.wait(); }, gate, started);
    expect(started.wait(10_000)).toBe(true);
    const queuedUp = Array.from({ length: 300 }, (_, i) => ex.submitWith({ signal: controller.signal }, (x: number) => x, i));
    controller.abort();
    expect(queuedUp.every((f) => f.cancelled())).toBe(true);
    gate.set();
    ex.shutdown();
    expect(ex.stats()).toMatchObject({ cancelled: 300, completed: 201 });
  });

  it('signal: a running synchronous loop sees the abort at its next check, without yielding', () => {
    const ex = new tk.ThreadPoolExecutor(1);
    const started = new tk.Event();
    const controller = new AbortController();
    const f = ex.submitWith({ signal: controller.signal }, (s: tk.Event) => {
      const signal = taskSignal();
      s.set();
      while (!signal.aborted) { /* a loop that never yields */ }
      let threw = '';
      try {
        taskSignal().throwIfAborted();
      } catch (error) {
        threw = (error as Error).name;
      }
      return [(signal.reason as Error).name, threw];
    }, started);
    expect(started.wait(10_000)).toBe(true);
    controller.abort();
    expect(f.result(10_000)).toEqual(['AbortError', 'AbortError']);
    ex.shutdown();
  });

  it('timeout: the task\'s signal aborts with a TimeoutError once the time from its start has passed', () => {
    const ex = new tk.ThreadPoolExecutor(1);
    const f = ex.submitWith({ timeout: 30 }, () => {
      const start = performance.now();
      while (!taskSignal().aborted) { /* a loop that never yields */ }
      return [(taskSignal().reason as Error).name, performance.now() - start >= 29];
    });
    expect(f.result(10_000)).toEqual(['TimeoutError', true]);
    ex.shutdown();
  });

  it('an async task gets a real AbortSignal: its abort event fires on the task\'s event loop', async () => {
    const ex = new tk.ThreadPoolExecutor(1);
    const started = new tk.Event();
    const controller = new AbortController();
    const f = ex.submitWith({ signal: controller.signal }, async (s: tk.Event) => {
      const signal = taskSignal();
      const any = AbortSignal.any([signal]);
      s.set();
      await new Promise((resolve) => any.addEventListener('abort', resolve, { once: true }));
      throw any.reason;
    }, started);
    expect(await started.waitAsync(10_000)).toBe(true);
    controller.abort();
    const error = (await f.exceptionAsync(10_000)) as Error;
    expect(error.name).toBe('AbortError');
    const timed = ex.submitWith({ timeout: 20 }, async () => {
      const signal = taskSignal();
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return (signal.reason as Error).name;
    });
    expect(await timed.resultAsync(10_000)).toBe('TimeoutError');
    await ex.shutdownAsync();
  });

  it('a plain submit\'s task gets a signal that never aborts; outside a task taskSignal() raises RuntimeError', () => {
    const ex = new tk.ThreadPoolExecutor(1);
    expect(ex.submit(() => taskSignal().aborted).result(10_000)).toBe(false);
    expect(() => tk.taskSignal()).toThrow(tk.RuntimeError);
    ex.shutdown();
  });

  it('bad options raise before anything is queued', () => {
    const ex = new tk.ThreadPoolExecutor(1);
    expect(() => ex.submitWith({ timeout: -1 }, () => 1)).toThrow(RangeError);
    expect(() => ex.submitWith({ priority: 1.5 }, () => 1)).toThrow(TypeError);
    expect(() => ex.submitWith({ signal: 5 as never }, () => 1)).toThrow(TypeError);
    expect(() => ex.submitWith(null as never, () => 1)).toThrow(TypeError);
    expect(ex.submitWith({}, (x: number) => x * 2, 21).result(10_000)).toBe(42);
    ex.shutdown();
  });
});

describe('executor control: stats()', () => {
  it('counts are exact: completed, failed, cancelled, timedOut, submitted; histograms count every task', () => {
    const { ex, release } = busyPool();
    const s0 = ex.stats();
    expect(s0).toMatchObject({ submitted: 1, running: 1, queued: 0, threads: 1, idleThreads: 0 });
    const ok = Array.from({ length: 5 }, (_, i) => ex.submit((x: number) => x + 1, i));
    const bad = Array.from({ length: 3 }, () => ex.submit(() => { throw new Error('boom'); }));
    const cancelled = [ex.submit(() => 0), ex.submit(() => 0)];
    const late = ex.submitWith({ timeout: 5 }, () => {
      taskSignal();
      const start = performance.now();
      while (performance.now() - start < 10) { /* past the deadline */ }
      taskSignal().throwIfAborted();
    });
    expect(ex.stats()).toMatchObject({ submitted: 12, queued: 11, running: 1 });
    for (const f of cancelled) expect(f.cancel()).toBe(true);
    release();
    for (const f of ok) f.result(10_000);
    for (const f of bad) f.exception(10_000);
    expect((late.exception(10_000) as Error).name).toBe('TimeoutError');
    ex.shutdown();
    const s = ex.stats();
    expect(s).toMatchObject({ submitted: 12, completed: 6, failed: 3, cancelled: 2, timedOut: 1, queued: 0, running: 0, threads: 0, idleThreads: 0 });
    expect(s.waitTime.count).toBe(10);
    expect(s.runTime.count).toBe(10);
    for (const h of [s.waitTime, s.runTime]) {
      expect(h.p50).toBeLessThanOrEqual(h.p90);
      expect(h.p90).toBeLessThanOrEqual(h.p99);
      expect(h.p99).toBeLessThanOrEqual(h.max);
      expect(h.mean).toBeLessThanOrEqual(h.max);
      expect(h.mean).toBeGreaterThan(0);
    }
    // The slowest run is the busy task or the late one, which ran at least 10 ms.
    expect(s.runTime.max).toBeGreaterThanOrEqual(9);
  });

  it('idleThreads and threads follow the pool; shutdown with cancelFutures counts the drained futures', () => {
    const { ex, release } = busyPool();
    const queuedUp = Array.from({ length: 4 }, () => ex.submit(() => 1));
    ex.shutdown({ wait: false, cancelFutures: true });
    for (const f of queuedUp) expect(f.cancelled()).toBe(true);
    release();
    ex.shutdown();
    expect(ex.stats()).toMatchObject({ submitted: 5, completed: 1, cancelled: 4, queued: 0, running: 0, threads: 0 });
    const ex2 = new tk.ThreadPoolExecutor(2);
    // Each task waits for the other: the second needs a second thread.
    const both = new tk.Barrier(2);
    const fs = [ex2.submit((b: tk.Barrier) => b.wait(10_000), both), ex2.submit((b: tk.Barrier) => b.wait(10_000), both)];
    for (const f of fs) f.result(10_000);
    // Both threads finish their task, then wait for work: idleThreads reaches 2 (a shared count, no sleep).
    const deadline = performance.now() + 10_000;
    while (ex2.stats().idleThreads < 2 && performance.now() < deadline) { /* the threads are on their way to the queue */ }
    expect(ex2.stats()).toMatchObject({ threads: 2, idleThreads: 2, completed: 2, running: 0 });
    ex2.shutdown();
  });
});

describe('executor control: maxQueue backpressure and map buffersize', () => {
  it('maxQueue: submit blocks while that many tasks wait, until a pool thread takes one', () => {
    const ex = new tk.ThreadPoolExecutor({ maxWorkers: 1, maxQueue: 2 });
    const gate = new tk.Event();
    const started = new tk.Event();
    const released = new tk.Value('i', 0);
    const busy = ex.submit((g: tk.Event, s: tk.Event) => { s.set(); g.wait(); }, gate, started);
    expect(started.wait(10_000)).toBe(true);
    const queuedUp = [ex.submit(() => 1), ex.submit(() => 2)];
    expect(ex.stats().queued).toBe(2);
    // The busy task can only end after `released` is set, so a third submit that returns saw room made after it.
    const releaser = new tk.Thread({ target: (r: tk.Value, g: tk.Event) => { r.value = 1; g.set(); }, args: [released, gate] });
    releaser.start();
    const third = ex.submit(() => 3);
    expect(released.value).toBe(1);
    releaser.join();
    expect([busy, ...queuedUp, third].map((f) => f.result(10_000))).toEqual([undefined, 1, 2, 3]);
    ex.shutdown();
  });

  it('maxQueue: submitAsync waits without blocking the event loop; shutdown fails a waiting submit', async () => {
    const ex = new tk.ThreadPoolExecutor({ maxWorkers: 1, maxQueue: 1 });
    const gate = new tk.Event();
    const started = new tk.Event();
    ex.submit((g: tk.Event, s: tk.Event) => { s.set(); g.wait(); }, gate, started);
    expect(await started.waitAsync(10_000)).toBe(true);
    // The promise's value is the Future itself (a thenable, which a promise would otherwise adopt).
    const first = await ex.submitAsync((x: number) => x * 2, 21);
    expect(first).toBeInstanceOf(tk.Future);
    expect(first.done()).toBe(false);
    let settled = false;
    const second = ex.submitAsync((x: number) => x + 1, 1);
    void second.then(() => { settled = true; });
    // Turns of the event loop go by (it is not blocked) and the queue stays full.
    for (let i = 0; i < 20; i++) await new Promise((resolve) => setTimeout(resolve, 0));
    expect(settled).toBe(false);
    gate.set();
    expect(await (await second).resultAsync(10_000)).toBe(2);
    expect(await first.resultAsync(10_000)).toBe(42);
    // Full again, then shut down while a submitAsync waits: it rejects as a submit after shutdown does.
    gate.clear();
    started.clear();
    ex.submit((g: tk.Event, s: tk.Event) => { s.set(); g.wait(); }, gate, started);
    expect(await started.waitAsync(10_000)).toBe(true);
    ex.submit(() => 0);
    const refused = ex.submitAsync(() => 1);
    ex.shutdown(false);
    await expect(refused).rejects.toThrow(tk.RuntimeError);
    gate.set();
    await ex.shutdownAsync();
  });

  it('maxQueue: bad values raise', () => {
    expect(() => new tk.ThreadPoolExecutor({ maxQueue: 1.5 })).toThrow(TypeError);
    expect(() => new tk.ThreadPoolExecutor({ maxQueue: -1 })).toThrow(RangeError);
    const unbounded = new tk.ThreadPoolExecutor({ maxWorkers: 1, maxQueue: 0 });
    expect(Array.from({ length: 50 }, (_, i) => unbounded.submit((x: number) => x, i)).map((f) => f.result(10_000))).toHaveLength(50);
    unbounded.shutdown();
  });

  it('map buffersize: the input is consumed lazily, at most buffersize (+1 while waiting) calls ahead', () => {
    const ex = new tk.ThreadPoolExecutor(2);
    let pulled = 0;
    function* inputs(): Generator<number> {
      for (let i = 0; ; i++) {
        pulled++;
        yield i;
      }
    }
    const results = ex.map((x: number) => x * 10, inputs(), { buffersize: 3 });
    expect(pulled).toBe(3);
    const first = [results.next().value, results.next().value];
    expect(first).toEqual([0, 10]);
    // CPython submits the next call before it waits for each result: 3 + 2.
    expect(pulled).toBe(5);
    results.return!(undefined);
    expect(pulled).toBe(5);
    expect(Array.from(ex.map((a: number, b: number) => a + b, [1, 2, 3, 4], [10, 20, 30], { buffersize: 1 }))).toEqual([11, 22, 33]);
    expect(Array.from(ex.map((x: number) => x, [], { buffersize: 4 }))).toEqual([]);
    expect(() => ex.map((x: number) => x, [1], { buffersize: 0 })).toThrow(new RangeError('buffersize must be None or > 0'));
    expect(() => ex.map((x: number) => x, [1], { buffersize: 2.5 })).toThrow(new TypeError('buffersize must be an integer or None'));
    ex.shutdown();
  });

  it('mapAsync buffersize: lazily consumed as well', async () => {
    const ex = new tk.ThreadPoolExecutor(2);
    let pulled = 0;
    const inputs = { *[Symbol.iterator]() { for (let i = 0; i < 10; i++) { pulled++; yield i; } } };
    const results = ex.mapAsync((x: number) => x + 1, inputs, { buffersize: 2 });
    expect(pulled).toBe(2);
    const seen: number[] = [];
    for await (const r of results) {
      seen.push(r);
      expect(pulled).toBeLessThanOrEqual(Math.min(10, seen.length + 2));
    }
    expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    await ex.shutdownAsync();
  });
});

describe('executor control: hard stop (killAfter)', () => {
  it('a synchronous infinite loop is stopped by timeout + killAfter: TimeoutError, its thread replaced, the pool and its other thread untouched', () => {
    const ex = new tk.ThreadPoolExecutor({ maxWorkers: 2, killAfter: 50 });
    const gate = new tk.Event();
    const started = new tk.Event();
    // The other thread runs a task through the kill.
    const other = ex.submit((g: tk.Event, s: tk.Event) => { s.set(); g.wait(); return getIdent(); }, gate, started);
    expect(started.wait(10_000)).toBe(true);
    const looping = ex.submitWith({ timeout: 20 }, () => { for (;;) { /* never checks its signal */ } });
    const error = looping.exception(30_000) as Error;
    expect(error).toBeInstanceOf(tk.TimeoutError);
    expect(error.message).toMatch(/killAfter/);
    // The next submit works (on the replacement thread), and so does the other thread.
    expect(ex.submit((x: number) => x + 1, 41).result(30_000)).toBe(42);
    gate.set();
    expect(typeof other.result(10_000)).toBe('number');
    expect(ex.stats()).toMatchObject({ timedOut: 1, completed: 2, failed: 0, running: 0 });
    ex.shutdown();
    expect(ex.stats().threads).toBe(0);
    expect(String(ex)).not.toMatch(/broken/);
  });

  it('an aborted signal stops a running loop that ignores it after killAfter: CancelledError; a task that stops in time keeps its thread', () => {
    const ex = new tk.ThreadPoolExecutor({ maxWorkers: 1, killAfter: 50 });
    const first = ex.submit(() => getIdent()).result(10_000);
    // Cooperative: it ends by itself well within killAfter, on the same thread.
    const polite = ex.submitWith({ timeout: 10 }, () => {
      while (!taskSignal().aborted) { /* checks */ }
      return getIdent();
    });
    expect(polite.result(10_000)).toBe(first);
    const started = new tk.Event();
    const controller = new AbortController();
    const rude = ex.submitWith({ signal: controller.signal }, (s: tk.Event) => { s.set(); for (;;) { /* ignores it */ } }, started);
    expect(started.wait(10_000)).toBe(true);
    controller.abort();
    expect(rude.exception(30_000)).toBeInstanceOf(tk.CancelledError);
    expect(rude.cancelled()).toBe(false);
    const after = ex.submit(() => getIdent()).result(30_000);
    expect(after).not.toBe(first);
    expect(ex.stats()).toMatchObject({ cancelled: 1, completed: 3 });
    ex.shutdown();
  });

  it('killAfter: bad values raise; Infinity is accepted', () => {
    expect(() => new tk.ThreadPoolExecutor({ killAfter: -1 })).toThrow(RangeError);
    expect(() => new tk.ThreadPoolExecutor({ killAfter: Number.NaN })).toThrow(TypeError);
    expect(() => new tk.ThreadPoolExecutor({ killAfter: '5' as never })).toThrow(TypeError);
    const never = new tk.ThreadPoolExecutor({ maxWorkers: 1, killAfter: Infinity });
    expect(never.submitWith({ timeout: 1 }, () => { while (!taskSignal().aborted) { /* checks */ } return 1; }).result(10_000)).toBe(1);
    never.shutdown();
  });
});

describe('executor control: recycling (maxTasksPerChild, onWorkerDeath)', () => {
  it('maxTasksPerChild: a pool thread hands its place to a new thread after that many tasks', () => {
    const ex = new tk.ThreadPoolExecutor({ maxWorkers: 1, maxTasksPerChild: 2 });
    const idents = Array.from({ length: 5 }, () => ex.submit(() => getIdent())).map((f) => f.result(30_000));
    expect(idents[0]).toBe(idents[1]);
    expect(idents[2]).toBe(idents[3]);
    expect(new Set(idents).size).toBe(3);
    expect(ex.stats()).toMatchObject({ completed: 5, failed: 0 });
    ex.shutdown();
    expect(ex.stats().threads).toBe(0);
    expect(() => new tk.ThreadPoolExecutor({ maxTasksPerChild: 0 })).toThrow(new RangeError('max_tasks_per_child must be >= 1'));
    expect(() => new tk.ThreadPoolExecutor({ maxTasksPerChild: 1.5 })).toThrow(new TypeError('max_tasks_per_child must be an integer'));
  });

  it("onWorkerDeath: 'replace': a task whose thread dies fails alone, a new thread takes its place", () => {
    requireNode('process.exit in a thread');
    const ex = new tk.ThreadPoolExecutor({ maxWorkers: 1, onWorkerDeath: 'replace' });
    const gate = new tk.Event();
    const dying = ex.submit(fx('exitWhenSet'), gate, 4);
    const pending = ex.submit((x: number) => x * 2, 21);
    gate.set();
    const error = dying.exception(30_000) as Error;
    expect(error).toBeInstanceOf(tk.RuntimeError);
    expect(error.message).toMatch(/died/);
    expect(pending.result(30_000)).toBe(42);
    expect(ex.submit((x: number) => x + 1, 1).result(30_000)).toBe(2);
    expect(ex.stats()).toMatchObject({ failed: 1, completed: 2 });
    ex.shutdown();
    expect(String(ex)).not.toMatch(/broken/);
    expect(() => new tk.ThreadPoolExecutor({ onWorkerDeath: 'ignore' as never })).toThrow(RangeError);
  });

  it("resourceLimits: a task that exhausts its thread's heap fails alone with onWorkerDeath 'replace'; by default the pool breaks", () => {
    requireNode('resourceLimits');
    const exhaust = (): void => {
      const keep: number[][] = [];
      for (;;) keep.push(new Array(100_000).fill(Math.random()));
    };
    const ex = new tk.ThreadPoolExecutor({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 16 }, onWorkerDeath: 'replace' });
    const hog = ex.submit(exhaust);
    const queuedBehind = ex.submit((x: number) => x + 1, 41);
    const error = hog.exception(60_000) as Error;
    expect(error).toBeInstanceOf(tk.RuntimeError);
    expect(error.message).toMatch(/resourceLimits/);
    expect(queuedBehind.result(60_000)).toBe(42);
    expect(ex.submit(() => 'fine').result(60_000)).toBe('fine');
    expect(ex.stats()).toMatchObject({ failed: 1, completed: 2 });
    ex.shutdown();
    const python = new tk.ThreadPoolExecutor({ maxWorkers: 1, resourceLimits: { maxOldGenerationSizeMb: 16 } });
    expect(python.submit(exhaust).exception(60_000)).toBeInstanceOf(tk.BrokenThreadPool);
    expect(() => python.submit(() => 1)).toThrow(tk.BrokenThreadPool);
    python.shutdown();
    expect(() => new tk.ThreadPoolExecutor({ resourceLimits: { maxHeap: 5 } as never })).toThrow(TypeError);
    expect(() => new tk.ThreadPoolExecutor({ resourceLimits: { maxOldGenerationSizeMb: -5 } })).toThrow(RangeError);
  });
});
