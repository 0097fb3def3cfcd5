import { describe, expect, it } from 'vitest';
import * as tk from '#backend';

// Inside a self-contained task, threadkit's exports are in scope (the thread compiles it with
// them); this file imports the API as a namespace so those bare names stay untouched.
declare const taskSignal: typeof tk.taskSignal;

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
