/**
 * The point of this backend: while many async waits are pending, the JS thread stays free
 * (timers keep firing on time), and the waits wake promptly once signalled. Bounds are one-way
 * and generous (a loaded 2-core machine); the measured figures are printed.
 */
import { describe, expect, it } from 'vitest';
import { Event, Thread, Value } from '@threadkit/backend-native';

const WAITS = 500;
const TICK_MS = 10;

describe('async waits keep the JS thread free', () => {
  it('fires timers on time while many waits are pending, and wakes every wait when signalled', async () => {
    const event = new Event();
    const setAt = new Value('d');
    let woken = 0;
    let wokeAt = 0;
    const waits = Array.from({ length: WAITS }, () =>
      event.waitAsync().then((flag) => {
        woken++;
        wokeAt = performance.timeOrigin + performance.now();
        return flag;
      }),
    );

    // The main loop ticks a timer while a thread sleeps, then signals from that thread.
    const signaller = new Thread({
      target: (ev: Event, pause: Event, setAt: Value) => {
        pause.wait(300);
        setAt.value = performance.timeOrigin + performance.now();
        ev.set();
      },
      args: [event, new Event(), setAt],
    });
    const lateness: number[] = [];
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      lateness.push(now - last - TICK_MS);
      last = now;
    }, TICK_MS);
    signaller.start();
    const flags = await Promise.all(waits);
    clearInterval(timer);
    await signaller.joinAsync();

    expect(flags.every((flag) => flag === true)).toBe(true);
    expect(woken).toBe(WAITS);
    // The loop was free: the timer kept ticking the whole time the waits were pending.
    expect(lateness.length).toBeGreaterThanOrEqual(10);
    const sorted = [...lateness].sort((a, b) => a - b);
    const median = sorted[sorted.length >> 1]!;
    const worst = sorted[sorted.length - 1]!;
    expect(median).toBeLessThan(50);
    // …and every wait woke soon after the signal.
    const wakeAll = wokeAt - setAt.value;
    expect(wakeAll).toBeLessThan(1000);
    console.log(
      `${WAITS} pending waits: ${lateness.length} ticks of ${TICK_MS} ms, lateness median ${median.toFixed(2)} ms, ` +
        `worst ${worst.toFixed(2)} ms; all ${WAITS} woke within ${wakeAll.toFixed(2)} ms of set()`,
    );
  });

  it('wakes an async wait promptly after set() from another thread', async () => {
    const rounds = 50;
    const latencies: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const ready = new Event();
      const go = new Event();
      const stamp = new Value('d');
      const t = new Thread({
        target: (ready: Event, go: Event, stamp: Value) => {
          ready.wait();
          stamp.value = performance.timeOrigin + performance.now();
          go.set();
        },
        args: [ready, go, stamp],
      });
      t.start();
      const woke = go.waitAsync(10_000);
      ready.set();
      expect(await woke).toBe(true);
      latencies.push(performance.timeOrigin + performance.now() - stamp.value);
      await t.joinAsync();
    }
    latencies.sort((a, b) => a - b);
    const median = latencies[rounds >> 1]!;
    expect(median).toBeLessThan(100);
    console.log(`set() in a thread → waitAsync() resolved on the main thread: median ${median.toFixed(3)} ms, p90 ${latencies[Math.floor(rounds * 0.9)]!.toFixed(3)} ms`);
  });
});
