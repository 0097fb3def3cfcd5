import { describe, expect, it } from 'vitest';
import { Event, Queue, Thread } from '#backend';
import { fx, since, SLACK_MS } from './support';

describe('Event', () => {
  it('starts unset; set() and clear() change isSet()', () => {
    const e = new Event();
    expect(e.isSet()).toBe(false);
    e.set();
    expect(e.isSet()).toBe(true);
    e.clear();
    expect(e.isSet()).toBe(false);
  });

  it('wait() on a set event returns true at once', () => {
    const e = new Event();
    e.set();
    expect(e.wait()).toBe(true);
    expect(e.wait(0)).toBe(true);
  });

  it('wait(timeout) on an unset event returns false after at least the timeout', () => {
    const e = new Event();
    const t0 = performance.now();
    expect(e.wait(50)).toBe(false);
    expect(since(t0)).toBeGreaterThanOrEqual(50 - SLACK_MS);
  });

  it('wait with a zero or negative timeout polls', () => {
    const e = new Event();
    expect(e.wait(0)).toBe(false);
    expect(e.wait(-10)).toBe(false);
  });

  it('set() in another thread wakes a waiter', () => {
    const e = new Event();
    const t = new Thread({ target: (ev: Event) => ev.set(), args: [e] });
    t.start();
    expect(e.wait(10_000)).toBe(true);
    t.join();
  });

  it('set() wakes every waiting thread', () => {
    const e = new Event();
    const q = new Queue();
    const threads = Array.from({ length: 4 }, () => new Thread({ target: fx('waitEvent'), args: [e, 10_000, q] }));
    for (const t of threads) t.start();
    e.set();
    for (const t of threads) t.join();
    expect([q.get(true, 10_000), q.get(true, 10_000), q.get(true, 10_000), q.get(true, 10_000)]).toEqual([true, true, true, true]);
  });

  it('a thread waiting with a timeout on an event never set gets false', () => {
    const e = new Event();
    const q = new Queue();
    const t = new Thread({ target: fx('waitEvent'), args: [e, 30, q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBe(false);
  });

  it('waitAsync resolves true when set from another thread, leaving the event loop free', async () => {
    const e = new Event();
    const go = new Event();
    const t = new Thread({ target: (g: Event, ev: Event) => { g.wait(); ev.set(); }, args: [go, e] });
    t.start();
    const pending = e.waitAsync();
    setTimeout(() => go.set(), 0);
    expect(await pending).toBe(true);
    await t.joinAsync();
  });

  it('waitAsync(timeout) resolves false after at least the timeout', async () => {
    const e = new Event();
    const t0 = performance.now();
    expect(await e.waitAsync(40)).toBe(false);
    expect(since(t0)).toBeGreaterThanOrEqual(40 - SLACK_MS);
  });

  it('repr is <Event set> / <Event unset>', () => {
    const e = new Event();
    expect(String(e)).toBe('<Event unset>');
    e.set();
    expect(String(e)).toBe('<Event set>');
  });

  it('an event made and set in a thread arrives set, and is the same object on each receipt', () => {
    const q = new Queue();
    const t = new Thread({ target: fx('putNewEventTwice'), args: [q] });
    t.start();
    t.join();
    const a = q.get(true, 10_000) as Event;
    const b = q.get(true, 10_000) as Event;
    expect(a).toBe(b);
    expect(a.isSet()).toBe(true);
  });
});
