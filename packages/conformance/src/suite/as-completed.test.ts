import { describe, expect, it } from 'vitest';
import { asCompleted, Event, Future, Thread, ThreadPoolExecutor, TimeoutError } from '#backend';
import { since, SLACK_MS } from './support';

describe('asCompleted', () => {
  it('yields every future once, as it completes', () => {
    const ex = new ThreadPoolExecutor(4);
    const fs = Array.from({ length: 10 }, (_, i) => ex.submit((x: number) => x * 2, i));
    const seen = new Set<Future<number>>();
    for (const f of asCompleted(fs)) {
      expect(f.done()).toBe(true);
      seen.add(f);
    }
    expect(seen.size).toBe(10);
    expect([...seen].map((f) => f.result()).sort((a, b) => a - b)).toEqual(Array.from({ length: 10 }, (_, i) => i * 2));
    ex.shutdown();
  });

  it('yields in completion order', () => {
    const a = new Future<string>();
    const b = new Future<string>();
    const next = new Event();
    const t = new Thread({ target: (fa: Future<string>, fb: Future<string>, n: Event) => { fb.setResult('b'); n.wait(); fa.setResult('a'); }, args: [a, b, next] });
    t.start();
    const order: string[] = [];
    for (const f of asCompleted([a, b])) {
      order.push(f.result());
      next.set();
    }
    expect(order).toEqual(['b', 'a']);
    t.join();
  });

  it('already-done futures come first', () => {
    const pending = new Future<number>();
    const ready = new Future<number>();
    ready.setResult(1);
    const it = asCompleted([pending, ready]);
    expect(it.next().value).toBe(ready);
    pending.setResult(2);
    expect(it.next().value).toBe(pending);
    expect(it.next().done).toBe(true);
  });

  it('duplicates are yielded once', () => {
    const f = new Future();
    f.setResult(1);
    expect([...asCompleted([f, f])]).toEqual([f]);
  });

  it('an empty list yields nothing', () => {
    expect([...asCompleted([])]).toEqual([]);
  });

  it('throws TimeoutError("N (of M) futures unfinished") after at least the timeout', () => {
    const ready = new Future();
    ready.setResult(0);
    const never = new Future();
    const got: unknown[] = [];
    const t0 = performance.now();
    expect(() => { for (const f of asCompleted([ready, never], 50)) got.push(f); }).toThrow(TimeoutError);
    expect(since(t0)).toBeGreaterThanOrEqual(50 - SLACK_MS);
    expect(got).toEqual([ready]);
    expect(() => { for (const _ of asCompleted([never], 10)) void _; }).toThrow('1 (of 1) futures unfinished');
  });

  it('a cancelled future is yielded once notified (setRunningOrNotifyCancel), as in CPython', () => {
    const f = new Future();
    f.cancel();
    expect(() => [...asCompleted([f], 20)]).toThrow(TimeoutError);
    f.setRunningOrNotifyCancel();
    const [only] = [...asCompleted([f], 10_000)];
    expect(only!.cancelled()).toBe(true);
  });

  it('for await iterates without blocking the event loop', async () => {
    const fs = [new Future<number>(), new Future<number>()];
    setTimeout(() => { fs[1]!.setResult(2); fs[0]!.setResult(1); }, 0);
    const got: number[] = [];
    // for await over the async iterator yields the futures themselves (no unwrapping).
    for await (const f of asCompleted(fs)) {
      const future = f as unknown as Future<number>;
      expect(future).toBeInstanceOf(Future);
      got.push(future.result());
    }
    expect(got.sort()).toEqual([1, 2]);
  });

  it('for await with a timeout rejects with TimeoutError', async () => {
    const never = new Future();
    await expect((async () => { for await (const _ of asCompleted([never], 30)) void _; })()).rejects.toBeInstanceOf(TimeoutError);
  });
});

describe('asCompleted over futures whose views let go of their blocks', () => {
  it('results taken inside the loop, while other futures are still watched', () => {
    const ex = new ThreadPoolExecutor(2);
    const gate = new Event();
    const fs = Array.from({ length: 20 }, (_, i) => ex.submit((x: number, g: Event) => { if (x % 2 === 1) g.wait(); return x; }, i, gate));
    const got: number[] = [];
    for (const f of asCompleted(fs)) {
      got.push(f.result());
      if (got.length === 1) gate.set();
    }
    expect(got.sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(fs.map((f) => f.result())).toEqual(Array.from({ length: 20 }, (_, i) => i));
    ex.shutdown();
  });

  it('futures already consumed are yielded first, as done', () => {
    const ex = new ThreadPoolExecutor(1);
    const a = ex.submit(() => 'a');
    expect(a.result(10_000)).toBe('a');
    const b = new Future<string>();
    const it = asCompleted([b, a]);
    expect(it.next().value).toBe(a);
    b.setResult('b');
    expect(it.next().value).toBe(b);
    expect(it.next().done).toBe(true);
    ex.shutdown();
  });
});
