/**
 * Unit tests of the spawn queue's worker accounting (host/spawn-queue.ts), over the in-memory
 * fake backend: a start asks the supervisor for a new warm worker only when no worker is idle,
 * booting, or on its way back from a thread (`returning`), and a worker that dies while booting
 * or returning is replaced. What the supervisor is asked for is the queue's `requestedCell`.
 * Single-threaded: each `take` finds a request queued, so none waits.
 */
import { describe, expect, it } from 'vitest';
import { fakeBackend } from './fake-backend';
import { installBackend } from '../src/runtime';
import { SPAWN_QUEUE_BYTES, SpawnQueue } from '../src/host/spawn-queue';
import { SLOT_BYTES } from '../src/host/warm-workers';

const backend = fakeBackend();
installBackend(backend);

function setUp() {
  const queue = new SpawnQueue(backend, backend.alloc(SPAWN_QUEUE_BYTES));
  const requested = (): number => Atomics.load(backend.heap.i32, queue.requestedCell >> 2);
  const slot = backend.alloc(SLOT_BYTES);
  let record = 100;
  const start = (): void => queue.enqueue({ record: (record += 8), task: 0 });
  return { queue, requested, slot, start };
}

describe('SpawnQueue: warm workers asked of the supervisor', () => {
  it('a start right after a join finds the worker on its way back and asks for no other', () => {
    const { queue, requested, slot, start } = setUp();
    queue.prewarm(1);
    expect(requested()).toBe(1);
    start(); // the booting worker will take it
    expect(requested()).toBe(1);
    for (let i = 0; i < 50; i++) {
      expect(queue.take(slot).record).toBeGreaterThan(100);
      // The thread ends: the worker counts as returning before its joiner can start the next.
      queue.returning(slot);
      start();
      expect(requested()).toBe(1);
    }
  });

  it('a start while the only worker runs a thread asks for a second one', () => {
    const { queue, requested, slot, start } = setUp();
    queue.prewarm(1);
    start();
    queue.take(slot); // running now, not returning
    start();
    expect(requested()).toBe(2);
  });

  it('a worker lost while returning is replaced (and counts as booting for the next start)', () => {
    const { queue, requested, slot, start } = setUp();
    queue.prewarm(1);
    start();
    queue.take(slot);
    queue.returning(slot);
    queue.lost(slot);
    expect(requested()).toBe(2);
    // The queued start is covered by the replacement: no third worker.
    start();
    expect(requested()).toBe(2);
    // A second report of the same death asks for nothing more.
    queue.lost(slot);
    expect(requested()).toBe(2);
  });

  it('a worker lost while booting is replaced; one lost after taking work is not', () => {
    const { queue, requested, slot, start } = setUp();
    queue.prewarm(1);
    queue.lost(slot);
    expect(requested()).toBe(2);
    // The replacement counts as booting: a start asks for no third worker.
    start();
    expect(requested()).toBe(2);
    const second = setUp();
    second.queue.prewarm(1);
    second.start();
    second.queue.take(second.slot);
    second.queue.lost(second.slot);
    expect(second.requested()).toBe(1);
  });
});
