import { describe, expect, it } from 'vitest';
import * as parity from '#backend';
import {
  ALL_COMPLETED,
  Event,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  Future,
  Thread,
  ThreadPoolExecutor,
  wait,
  waitAsync,
} from '#backend';
import { since, SLACK_MS } from './support';

function done<T>(value: T): Future<T> {
  const f = new Future<T>();
  f.setResult(value);
  return f;
}

describe('wait', () => {
  it('the return-when constants are Python’s names', () => {
    expect(FIRST_COMPLETED).toBe('FIRST_COMPLETED');
    expect(FIRST_EXCEPTION).toBe('FIRST_EXCEPTION');
    expect(ALL_COMPLETED).toBe('ALL_COMPLETED');
  });

  it('ALL_COMPLETED (the default) returns when every future is done', () => {
    const ex = new ThreadPoolExecutor(3);
    const fs = [1, 2, 3].map((x) => ex.submit((y: number) => y, x));
    const { done: d, notDone } = wait(fs);
    expect(d.size).toBe(3);
    expect(notDone.size).toBe(0);
    for (const f of fs) expect(d.has(f)).toBe(true);
    ex.shutdown();
  });

  it('with a timeout, returns the unfinished ones in notDone after at least the timeout', () => {
    const a = done(1);
    const b = new Future();
    const t0 = performance.now();
    const r = wait([a, b], { timeout: 50 });
    expect(since(t0)).toBeGreaterThanOrEqual(50 - SLACK_MS);
    expect([...r.done]).toEqual([a]);
    expect([...r.notDone]).toEqual([b]);
  });

  it('accepts the timeout positionally', () => {
    const b = new Future();
    const r = wait([b], 20);
    expect(r.notDone.has(b)).toBe(true);
  });

  it('FIRST_COMPLETED returns as soon as one future is done', () => {
    const slow = new Future();
    const fast = new Future();
    const t = new Thread({ target: (f: Future) => f.setResult('fast'), args: [fast] });
    t.start();
    const r = wait([slow, fast], { returnWhen: FIRST_COMPLETED });
    expect(r.done.has(fast)).toBe(true);
    expect(r.notDone.has(slow)).toBe(true);
    t.join();
  });

  it('FIRST_EXCEPTION returns when a future raises', () => {
    const ex = new ThreadPoolExecutor(2);
    const release = new Event();
    const blocked = ex.submit((r: Event) => r.wait(), release);
    const failing = ex.submit(() => { throw new Error('fail'); });
    const r = wait([blocked, failing], { returnWhen: FIRST_EXCEPTION });
    expect(r.done.has(failing)).toBe(true);
    expect(r.notDone.has(blocked)).toBe(true);
    release.set();
    ex.shutdown();
  });

  it('FIRST_EXCEPTION without any exception waits for all', () => {
    const ex = new ThreadPoolExecutor(2);
    const fs = [1, 2].map((x) => ex.submit((y: number) => y, x));
    const r = wait(fs, { returnWhen: FIRST_EXCEPTION });
    expect(r.done.size).toBe(2);
    ex.shutdown();
  });

  it('futures already done return at once', () => {
    const r = wait([done(1), done(2)], { timeout: 10_000 });
    expect(r.done.size).toBe(2);
    expect(r.notDone.size).toBe(0);
  });

  it('a cancelled future counts as done only once its executor noticed (setRunningOrNotifyCancel), as in CPython', () => {
    const c = new Future();
    c.cancel();
    expect(wait([c], 20).notDone.has(c)).toBe(true);
    expect(c.setRunningOrNotifyCancel()).toBe(false);
    expect(wait([c], 10_000).done.has(c)).toBe(true);
  });

  it('a future cancelled while pending in an executor is done once the executor reaches it', () => {
    const ex = new ThreadPoolExecutor(1);
    const release = new Event();
    const blocker = ex.submit((r: Event) => r.wait(), release);
    const victim = ex.submit((x: number) => x, 1);
    expect(victim.cancel()).toBe(true);
    release.set();
    blocker.result(10_000);
    ex.shutdown();
    expect(wait([victim], 10_000).done.has(victim)).toBe(true);
  });

  it('duplicate futures appear once', () => {
    const a = done('x');
    const r = wait([a, a, a]);
    expect(r.done.size).toBe(1);
  });

  it('an empty list returns empty sets', () => {
    const r = wait([]);
    expect(r.done.size).toBe(0);
    expect(r.notDone.size).toBe(0);
  });

  it('waitAsync resolves without blocking the event loop', async () => {
    const f = new Future();
    setTimeout(() => f.setResult(1), 0);
    const r = await waitAsync([f], { returnWhen: FIRST_COMPLETED });
    expect(r.done.has(f)).toBe(true);
  });

  it('waitAsync with a timeout resolves after at least the timeout', async () => {
    const f = new Future();
    const t0 = performance.now();
    const r = await waitAsync([f], { timeout: 40 });
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
    expect(r.notDone.has(f)).toBe(true);
  });
});

describe('wait over futures whose views already let go of their blocks', () => {
  it('futures whose results were taken count as done; FIRST_EXCEPTION sees one that raised', () => {
    const ex = new ThreadPoolExecutor(2);
    const ok = ex.submit((x: number) => x, 1);
    const bad = ex.submit(() => { throw new RangeError('raised'); });
    expect(ok.result(10_000)).toBe(1);
    expect(bad.exception(10_000)).toBeInstanceOf(RangeError);
    const all = wait([ok, bad]);
    expect(all.done).toEqual(new Set([ok, bad]));
    const pending = new Future();
    const first = wait([pending, ok, bad], { returnWhen: FIRST_EXCEPTION, timeout: 10_000 });
    expect(first.done).toEqual(new Set([ok, bad]));
    expect(first.notDone).toEqual(new Set([pending]));
    expect(ok.result()).toBe(1);
    ex.shutdown();
  });

  it('a future completed and looked at in this thread during waitAsync still ends the wait', async () => {
    const f = new Future<number>();
    const other = new Future<number>();
    const waiting = waitAsync([f, other], { returnWhen: FIRST_COMPLETED, timeout: 10_000 });
    f.setResult(8);
    expect(f.result()).toBe(8);
    const r = await waiting;
    expect(r.done).toEqual(new Set([f]));
    expect(r.notDone).toEqual(new Set([other]));
    expect(f.result()).toBe(8);
  });

  it('a cancelled future notified from another thread is done for wait() in this one', () => {
    const c = new Future();
    c.cancel();
    expect(wait([c], 20).notDone.has(c)).toBe(true);
    const t = new Thread({ target: (fut: Future) => fut.setRunningOrNotifyCancel(), args: [c] });
    t.start();
    t.join();
    expect(wait([c], 10_000).done.has(c)).toBe(true);
    expect(c.cancelled()).toBe(true);
  });
});

describe('wait: Python parity', () => {
  it('an invalid returnWhen raises only when wait() would have to wait', () => {
    const done = new parity.Future<number>();
    done.setResult(1);
    const result = parity.wait([done], undefined, 'bogus' as never);
    expect(result.done.size).toBe(1);
    expect(result.notDone.size).toBe(0);
    expect(() => parity.wait([done, new parity.Future()], 0, 'bogus' as never)).toThrow(new RangeError("Invalid return condition: 'bogus'"));
  });

  it('waitAsync likewise', async () => {
    const done = new parity.Future<number>();
    done.setResult(1);
    expect((await parity.waitAsync([done], { returnWhen: 'bogus' as never })).done.size).toBe(1);
    await expect(parity.waitAsync([new parity.Future()], { timeout: 0, returnWhen: 'bogus' as never })).rejects.toThrow(RangeError);
  });
});
