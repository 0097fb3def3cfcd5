import { describe, expect, it } from 'vitest';
import { Queue, sleep, sleepAsync, Thread } from '#backend';
import { fx, since, SLACK_MS } from './support';

describe('sleep', () => {
  it('sleep(ms) blocks the calling thread for at least ms', () => {
    const t0 = performance.now();
    sleep(50);
    expect(since(t0)).toBeGreaterThanOrEqual(50 - SLACK_MS);
  });

  it('sleep(0) returns', () => {
    expect(sleep(0)).toBeUndefined();
  });

  it('sleep in a thread lasts at least ms', () => {
    const q = new Queue();
    const t = new Thread({ target: fx('timedSleep'), args: [40, q] });
    t.start();
    t.join();
    expect(q.get(true, 10_000)).toBeGreaterThanOrEqual(40 - SLACK_MS);
  });

  it('sleepAsync(ms) resolves after at least ms without blocking', async () => {
    const t0 = performance.now();
    let ticked = false;
    setTimeout(() => { ticked = true; }, 0);
    await sleepAsync(30);
    expect(since(t0)).toBeGreaterThanOrEqual(30 - SLACK_MS);
    expect(ticked).toBe(true);
  });

  it('a negative length is a RangeError("sleep length must be non-negative")', () => {
    expect(() => sleep(-1)).toThrow(RangeError);
    expect(() => sleep(-1)).toThrow('sleep length must be non-negative');
    expect(() => sleepAsync(-5)).toThrow('sleep length must be non-negative');
  });
});
