import { describe, expect, it } from 'vitest';
import * as parity from '#backend';
import { Event, Queue, Thread, Timer } from '#backend';
import { SLACK_MS } from './support';

describe('Timer', () => {
  it('calls the function with its arguments after at least the interval', () => {
    const q = new Queue();
    // Wall-clock ms (timeOrigin + now) so that readings from two isolates compare.
    const t0 = performance.timeOrigin + performance.now();
    const timer = new Timer(50, (out: Queue, start: number, tag: string) => out.put([tag, performance.timeOrigin + performance.now() - start]), [q, t0, 'fired']);
    timer.start();
    timer.join();
    const [tag, elapsed] = q.get(true, 10_000) as [string, number];
    expect(tag).toBe('fired');
    expect(elapsed).toBeGreaterThanOrEqual(50 - SLACK_MS);
  });

  it('cancel() before it fires stops it: the function never runs', () => {
    const ran = new Event();
    const timer = new Timer(10_000, (ev: Event) => ev.set(), [ran]);
    timer.start();
    timer.cancel();
    timer.join();
    expect(ran.isSet()).toBe(false);
    expect(timer.isAlive()).toBe(false);
  });

  it('cancel() before start() means it never fires', () => {
    const ran = new Event();
    const timer = new Timer(0, (ev: Event) => ev.set(), [ran]);
    timer.cancel();
    timer.start();
    timer.join();
    expect(ran.isSet()).toBe(false);
  });

  it('is a Thread, with a finished event set after firing', () => {
    const ran = new Event();
    const timer = new Timer(0, (ev: Event) => ev.set(), [ran]);
    expect(timer).toBeInstanceOf(Thread);
    timer.start();
    timer.join();
    expect(ran.isSet()).toBe(true);
    expect(timer.finished.isSet()).toBe(true);
    expect(String(timer)).toMatch(/^<Timer\(Thread-\d+.*, stopped \d+\)>$/);
  });

  it('cancel() after it fired is harmless', () => {
    const ran = new Event();
    const timer = new Timer(0, (ev: Event) => ev.set(), [ran]);
    timer.start();
    timer.join();
    timer.cancel();
    expect(ran.isSet()).toBe(true);
  });

  it('an async function is awaited', () => {
    const ran = new Event();
    const timer = new Timer(1, async (ev: Event) => { await null; ev.set(); }, [ran]);
    timer.start();
    timer.join();
    expect(ran.isSet()).toBe(true);
  });
});

describe('Timer: Python parity', () => {
  it('exposes interval (ms), function and args (a fresh array per timer when none are given)', () => {
    const fn = (): number => 1;
    const a = new parity.Timer(1500, fn);
    const b = new parity.Timer(10, fn);
    expect(a.interval).toBe(1500);
    expect(a.function).toBe(fn);
    expect(a.args).toEqual([]);
    expect(a.args).not.toBe(b.args);
    const args = [1, 'two'];
    expect(new parity.Timer(5, fn, args).args).toBe(args);
  });
});
