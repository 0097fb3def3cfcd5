import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import * as tk from '#backend';
import { runChild } from './support';
import { currentRuntime } from '../runtime';

type Ev = tk.TraceEvent;

// Inside a self-contained thread body, threadkit's exports are in scope (the thread compiles it
// with them); this file imports the API as a namespace so those bare names stay untouched.
declare const dumpThreads: typeof tk.dumpThreads;
declare const sleep: typeof tk.sleep;

/** Polls `dumpThreads()` until `done(dump)` holds (a handshake on the threads' state, not a timing). */
function dumpWhen(done: (dump: string) => boolean, limitMs = 20_000): void {
  const end = performance.now() + limitMs;
  while (!done(tk.dumpThreads())) {
    if (performance.now() > end) throw new Error(`the dump never showed the expected state:\n${tk.dumpThreads()}`);
    tk.sleep(2);
  }
}

/** The tid of the thread named `name` (from its `thread_name` metadata). */
function tidOf(events: Ev[], name: string): number {
  const meta = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === name);
  if (meta === undefined) throw new Error(`no track named ${name}: ${JSON.stringify(events.filter((e) => e.ph === 'M'))}`);
  return meta.tid;
}

function tracePath(tag: string): string {
  return join(tmpdir(), `threadkit-${tag}-${process.pid}-${Date.now()}.json`);
}

describe('diagnostics: tracing', () => {
  it('stopTrace(path) writes Chrome Trace Event JSON: thread tracks and lifetimes, task spans with flows, waits, counters', () => {
    // Where there is no file system (a browser), stopTrace() returns the same data, unwritten.
    const path = currentRuntime().name === 'unknown' ? undefined : tracePath('trace');
    tk.startTrace();
    const lock = new tk.Lock();
    lock.acquire();
    const ready = new tk.Event();
    const waiter = new tk.Thread({
      name: 'trace-waiter',
      target: (l: tk.Lock, r: tk.Event) => {
        r.set();
        l.acquire();
        l.release();
      },
      args: [lock, ready],
    });
    waiter.start();
    ready.wait();
    dumpWhen((dump) => /"trace-waiter"[^\n]*waiting in Lock\.acquire/.test(dump));
    lock.release();
    waiter.join();
    // Main blocks in join() for sure: the joined thread waits for a gate that another thread opens
    // only once the dump shows main waiting in that join.
    const gate = new tk.Event();
    const joined = new tk.Thread({ name: 'trace-joined', target: (g: tk.Event) => g.wait(), args: [gate] });
    const opener = new tk.Thread({
      name: 'trace-opener',
      target: (g: tk.Event) => {
        while (!/"MainThread"[^\n]*waiting in join\(<Thread\(trace-joined/.test(dumpThreads())) sleep(1);
        g.set();
      },
      args: [gate],
    });
    joined.start();
    opener.start();
    joined.join();
    opener.join();
    // A queue shared with a thread (a queue used by one thread only stays local, and untraced).
    const queue = new tk.Queue();
    const producer = new tk.Thread({ target: (q: tk.Queue) => { q.put('a'); q.put('b'); }, args: [queue] }); // prettier-ignore
    producer.start();
    producer.join();
    queue.get();
    const ex = new tk.ThreadPoolExecutor(2, 'tracepool');
    const futures = [1, 2, 3].map((i) => ex.submit(function squareTask(x: number) { return x * x; }, i)); // prettier-ignore
    expect(futures.map((f) => f.result())).toEqual([1, 4, 9]);
    ex.shutdown();
    const data = tk.stopTrace(path);
    try {
      const parsed = (path === undefined ? JSON.parse(JSON.stringify(data)) : JSON.parse(readFileSync(path, 'utf8'))) as tk.TraceData;
      expect(parsed).toEqual(JSON.parse(JSON.stringify(data)));
      const events = parsed.traceEvents;
      for (const e of events) {
        expect(typeof e.name).toBe('string');
        expect(['X', 'C', 'M', 's', 'f', 'b', 'e']).toContain(e.ph);
        expect(Number.isFinite(e.ts)).toBe(true);
        expect(Number.isInteger(e.pid) && Number.isInteger(e.tid)).toBe(true);
        if (e.ph === 'X') expect(e.dur).toBeGreaterThanOrEqual(0);
      }
      const main = tidOf(events, 'MainThread');
      expect(main).toBe(tk.mainThread().ident);
      const waiterTid = tidOf(events, 'trace-waiter');
      expect(waiterTid).toBe(waiter.ident);
      // The waiter's lifetime and its wait on the lock, on its own track.
      expect(events.filter((e) => e.ph === 'X' && e.cat === 'thread' && e.tid === waiterTid && e.name === 'trace-waiter')).toHaveLength(1);
      const lockWaits = events.filter((e) => e.ph === 'X' && e.cat === 'wait' && e.tid === waiterTid && e.name.startsWith('Lock.acquire <Lock locked> 0x'));
      expect(lockWaits).toHaveLength(1);
      // Main's join of the waiter, naming the thread.
      expect(events.some((e) => e.ph === 'X' && e.cat === 'wait' && e.tid === main && e.name.startsWith('join(<Thread(trace-joined'))).toBe(true);
      // Tasks named after their function, on pool tracks, each with a flow from its submit on main.
      const tasks = events.filter((e) => e.ph === 'X' && e.cat === 'task');
      expect(tasks.map((e) => e.name)).toEqual(['squareTask', 'squareTask', 'squareTask']);
      const poolTids = new Set([0, 1].map((i) => `tracepool_${i}`).filter((n) => events.some((e) => e.args?.name === n)).map((n) => tidOf(events, n)));
      for (const task of tasks) {
        expect(poolTids.has(task.tid)).toBe(true);
        const id = task.args?.future as number;
        const start = events.filter((e) => e.ph === 's' && e.id === id);
        const finish = events.filter((e) => e.ph === 'f' && e.id === id);
        expect(start).toHaveLength(1);
        expect(finish).toHaveLength(1);
        expect(start[0]!.tid).toBe(main);
        expect(finish[0]).toMatchObject({ tid: task.tid, bp: 'e', ts: task.ts });
        const submit = events.find((e) => e.ph === 'X' && e.cat === 'submit' && e.args?.future === id);
        expect(submit).toMatchObject({ name: 'submit squareTask', tid: main, ts: start[0]!.ts });
      }
      // Counters: the queue's size as it went, the pool's size.
      const sizes = events.filter((e) => e.ph === 'C' && e.name.startsWith('Queue 0x')).map((e) => e.args?.size);
      expect(sizes).toEqual([1, 2, 1]);
      const threads = events.filter((e) => e.ph === 'C' && e.name === 'tracepool threads').map((e) => e.args?.threads);
      expect(threads.length).toBeGreaterThanOrEqual(1);
      expect(threads[0]).toBe(1);
      // Off again: nothing is recorded, and a second stop has nothing.
      expect(tk.stopTrace().traceEvents).toEqual([]);
    } finally {
      if (path !== undefined) rmSync(path, { force: true });
    }
  });

  it('…Async waits are async spans (b, e) of the awaiting thread, named as sync waits are: Lock, Queue, join, Future', async () => {
    tk.startTrace();
    const gate = new tk.Event();
    const lock = new tk.Lock();
    expect(lock.acquire(false)).toBe(true);
    const queue = new tk.Queue<string>();
    const helper = new tk.Thread({
      name: 'trace-async-helper',
      target: (g: tk.Event, l: tk.Lock, q: tk.Queue<string>) => {
        g.wait();
        l.release();
        q.put('x');
      },
      args: [gate, lock, queue],
    });
    helper.start();
    // Each call finds its fast path shut before the gate opens (the lock is main's own, the queue
    // empty, the helper waiting for the gate), so each one waits.
    const acquired = lock.acquireAsync();
    const got = queue.getAsync();
    const joined = helper.joinAsync();
    gate.set();
    expect(await acquired).toBe(true);
    expect(await got).toBe('x');
    await joined;
    lock.release();
    const ex = new tk.ThreadPoolExecutor(1, 'traceasync');
    const go = new tk.Event();
    const future = ex.submit((e: tk.Event) => { e.wait(); return 7; }, go); // prettier-ignore
    const result = future.resultAsync();
    go.set();
    expect(await result).toBe(7);
    await ex.shutdownAsync();
    const events = tk.stopTrace().traceEvents;
    const main = tidOf(events, 'MainThread');
    const spans = events.filter((e) => e.ph === 'b' && e.cat === 'await' && e.tid === main);
    const named = (prefix: string): Ev[] => spans.filter((e) => e.name.startsWith(prefix));
    expect(named('Lock.acquire <Lock locked> 0x')).toHaveLength(1);
    expect(named('Queue.get <Queue')).toHaveLength(1);
    expect(named('join(<Thread(trace-async-helper')).toHaveLength(1);
    expect(named('Future.result <Future state=')).toHaveLength(1);
    // Each begin has one end: same thread, id and name, not earlier.
    for (const begin of spans) {
      const ends = events.filter((e) => e.ph === 'e' && e.id === begin.id);
      expect(ends).toHaveLength(1);
      expect(ends[0]).toMatchObject({ tid: main, name: begin.name, cat: 'await' });
      expect(ends[0]!.ts).toBeGreaterThanOrEqual(begin.ts);
    }
    expect(new Set(spans.map((e) => e.id)).size).toBe(spans.length);
  });

  it('a thread that stays busy hands its events over as it goes: what is older than the hand-over age reaches stopTrace', async () => {
    tk.startTrace();
    const queue = new tk.Queue<number>();
    const done = new tk.Event();
    const stopped = new tk.Event();
    const busy = new tk.Thread({
      name: 'trace-busy',
      // 40 rounds of a put and a get on a shared queue (a size counter event each), ≥ 1 ms apart:
      // ~80 events over ≥ 40 ms, far fewer than a full buffer. Then it spins, emitting nothing and
      // never blocking or ending, until the trace has stopped.
      target: (q: tk.Queue<number>, d: tk.Event, s: tk.Event) => {
        for (let i = 0; i < 40; i++) {
          q.put(i);
          q.get();
          const next = performance.now() + 1;
          while (performance.now() < next);
        }
        d.set();
        while (!s.isSet());
      },
      args: [queue, done, stopped],
    });
    busy.start();
    await done.waitAsync();
    const events = tk.stopTrace().traceEvents;
    stopped.set();
    await busy.joinAsync();
    const tid = tidOf(events, 'trace-busy');
    const sizes = events.filter((e) => e.ph === 'C' && e.tid === tid && e.name.startsWith('Queue 0x'));
    // Its first 20 ms or more were handed over at a later event; its last ones may still be held.
    expect(sizes.length).toBeGreaterThanOrEqual(2);
    expect(sizes.length).toBeLessThanOrEqual(80);
    expect(sizes.slice(0, 2).map((e) => e.args?.size)).toEqual([1, 0]);
  });

  it('THREADKIT_TRACE=path traces a whole run and writes the file at exit', (ctx) => {
    if (currentRuntime().name !== 'node') ctx.skip('runs a Node child process');
    const path = tracePath('env-trace');
    try {
      const r = runChild('child-trace.mjs', [], { THREADKIT_TRACE: path });
      expect(r.status, r.stderr).toBe(0);
      expect(existsSync(path)).toBe(true);
      const events = (JSON.parse(readFileSync(path, 'utf8')) as tk.TraceData).traceEvents;
      const traced = tidOf(events, 'env-traced');
      expect(events.some((e) => e.ph === 'X' && e.cat === 'thread' && e.tid === traced)).toBe(true);
      expect(events.some((e) => e.ph === 'X' && e.cat === 'task' && e.name === 'envTask')).toBe(true);
    } finally {
      rmSync(path, { force: true });
    }
  });
});
