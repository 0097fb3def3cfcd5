/**
 * A double free is caught atomically: the main thread and a worker free the same block at the
 * same moment, 2000 times; each time exactly one succeeds and the heap's used bytes come back.
 * The worker loads the addon itself and attaches to the test's heap (`fixtures/free-racer.mjs`).
 */
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { addonPath, freshBackend, MIB } from './support';

const ROUNDS = 2000;
const [ROUND, ADDRESS, READY, GO, SEEN, DONE, OUTCOME, ATTACHED] = [0, 1, 2, 3, 4, 5, 6, 7];
const FREED = 1;
const REFUSED = 2;

describe('double free', () => {
  it('throws on the second free of a block', () => {
    const b = freshBackend();
    const a = b.alloc(16);
    b.free(a);
    expect(() => b.free(a)).toThrow(new RangeError(`threadkit: free of an address that is not an allocated block (${a})`));
  });

  it('gives exactly one success when two threads free the same block at once', async () => {
    const b = freshBackend();
    const control = new SharedArrayBuffer(8 * 4);
    const ctl = new Int32Array(control);
    const worker = new Worker(new URL('./fixtures/free-racer.mjs', import.meta.url), {
      workerData: { addonPath: addonPath(), heap: b.heap.buffer, control },
    });
    const exited = once(worker, 'exit');
    // The worker attached while the heap was 4 MiB; the blocks it frees lie past that, in memory
    // it knows of only through the length the heap publishes when it grows.
    while (Atomics.load(ctl, ATTACHED) === 0) Atomics.wait(ctl, ATTACHED, 0);
    const filler = b.alloc(5 * MIB);
    expect(b.heapStats().sizeBytes).toBe(8 * MIB);
    const baseline = b.heapStats().usedBytes;
    const wins = { main: 0, worker: 0 };
    for (let round = 1; round <= ROUNDS; round++) {
      const address = b.alloc(8 + (round % 7) * 24);
      expect(address).toBeGreaterThan(filler + 5 * MIB);
      // Every other round a neighbour keeps the block off the top, so the free merges into a bin.
      const neighbour = round % 2 === 0 ? b.alloc(8) : 0;
      Atomics.store(ctl, ADDRESS, address);
      Atomics.store(ctl, ROUND, round);
      Atomics.notify(ctl, ROUND);
      while (Atomics.load(ctl, READY) !== round) Atomics.wait(ctl, READY, round - 1);
      Atomics.store(ctl, GO, round);
      // The worker frees as soon as it sees GO. On odd rounds the main thread frees once the
      // worker says it is about to: each thread gets to go first, a moment before the other.
      if (round % 2 === 1) while (Atomics.load(ctl, SEEN) !== round);
      let mine = false;
      try {
        b.free(address);
        mine = true;
      } catch (error) {
        expect((error as Error).message).toContain('not an allocated block');
      }
      while (Atomics.load(ctl, DONE) !== round) Atomics.wait(ctl, DONE, round - 1);
      const theirs = Atomics.load(ctl, OUTCOME);
      expect([mine, theirs]).toSatisfy(([m, t]) => (m ? t === REFUSED : t === FREED));
      if (mine) wins.main++;
      else wins.worker++;
      if (neighbour !== 0) b.free(neighbour);
      expect(b.heapStats().usedBytes).toBe(baseline);
    }
    Atomics.store(ctl, ROUND, -1);
    Atomics.notify(ctl, ROUND);
    await exited;
    b.free(filler);
    expect(wins.main + wins.worker).toBe(ROUNDS);
    console.log(`${ROUNDS} racing double frees: the main thread won ${wins.main}, the worker ${wins.worker}`);
  });
});
