import { describe, expect, it } from 'vitest';
import { LifoQueue, PriorityQueue, Queue, SimpleQueue } from '#backend';
// A shared object's heap address, to see blocks reused (not user API: the SPI's).
import { HANDLE } from '@threadkit/api/spi';
import { collectGarbage, runChild } from './support';

/**
 * The memory area: every kind of shared object is reclaimed while a synchronous loop is still
 * running, so a loop that creates, uses and drops objects runs far past what a small heap could
 * hold if nothing came back. Each scenario runs in a child process with a 16 MiB heap
 * (fixtures/child-memory.mjs) and reports what it counted and the heap's bytes in use before
 * and after the loop.
 */

const SMALL_HEAP_MB = '16';
/**
 * How long one scenario may run. Each takes a few seconds on an idle 2-core machine; the bound
 * is generous because a loaded machine is several times slower, and only a hang should fail.
 */
const SCENARIO_MS = 150_000;
/**
 * Threads and Timers churned: each is a thread start and join, the slowest scenarios by far, so
 * their counts are what the heap proves, with a margin: a live thread holds about 750 bytes and a
 * live Timer about 820 (record, task, its Event), so 100k threads and 60k Timers would need
 * 4.4× and 2.9× the 16 MiB heap if nothing came back.
 */
const THREADS = 100_000;
const TIMERS = 60_000;
const thousands = (n: number): string => `${n / 1000}k`;

/** Bytes a scenario may leave in use after its loop (caches, the first blocks of a kind). */
const LEFTOVER_BYTES = 256 * 1024;

interface Report {
  ok: boolean;
  before: number;
  after: number;
  cap: number;
  [counted: string]: unknown;
}

/** Runs `scenario` with `count` iterations in a 16 MiB heap and returns its report. */
function churn(scenario: string, count: number): Report {
  const r = runChild('child-memory.mjs', [scenario, String(count)], { THREADKIT_HEAP_MB: SMALL_HEAP_MB }, SCENARIO_MS);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Report;
  expect(report.cap).toBe(16 * 1024 * 1024);
  expect(report.after - report.before).toBeLessThan(LEFTOVER_BYTES);
  return report;
}

describe('memory: objects made and dropped in a synchronous loop are reclaimed', { timeout: SCENARIO_MS + 10_000 }, () => {
  it(`${thousands(THREADS)} threads started and joined one after another in a 16 MiB heap`, () => {
    expect(churn('threads', THREADS).started).toBe(THREADS);
  });

  it(`${thousands(TIMERS)} Timers started, fired or cancelled, and joined`, () => {
    const report = churn('timers', TIMERS);
    expect(report.fired).toBe(TIMERS / 3);
    expect(report.cancelled).toBe((TIMERS / 3) * 2);
  });

  it('2M Locks made, acquired, released and dropped', () => {
    expect(churn('lock', 2_000_000).taken).toBe(2_000_000);
  });

  it('2M Events made, set, waited for and dropped', () => {
    expect(churn('event', 2_000_000).seen).toBe(2_000_000);
  });

  it('1M Values made, updated and dropped', () => {
    // Each iteration: start (i & 7), +1 atomically, +1 under the lock.
    let expected = 0;
    for (let i = 0; i < 1_000_000; i++) expected += (i & 7) + 2;
    expect(churn('value', 1_000_000).total).toBe(expected);
  });

  it('500k SharedArrays of 16 float64s made, filled and dropped', () => {
    expect(churn('sharedArray', 500_000).total).toBe(500_000 * (120 + 1));
  });

  it('1M local() namespaces made, used and dropped', () => {
    let expected = 0;
    for (let i = 0; i < 1_000_000; i++) expected += i & 3;
    expect(churn('local', 1_000_000).total).toBe(expected);
  });
});

describe('memory: no reader ever decodes a freed block', { timeout: SCENARIO_MS + 10_000 }, () => {
  it('renaming a thread from two threads while two others read its name gives only whole names', () => {
    const report = churn('renameRace', 20_000);
    expect(report.torn).toBe(0);
    expect(report.last).toBe(true);
  });

  it('replacing the excepthook from two threads while threads fail reports each failure exactly once', () => {
    const report = churn('excepthookRace', 2_000);
    expect(report.reported).toBe(report.failures);
    expect(report.twice).toBe(0);
  });
});

describe('memory: queues (Queue, LifoQueue, PriorityQueue, SimpleQueue) and their items are reclaimed', () => {
  const kinds = ['Queue', 'LifoQueue', 'PriorityQueue', 'SimpleQueue'];

  it.each(kinds)('200k loop-local %s made, put to twice, got from twice and dropped', (kind) => {
    expect(churn(`queue-churn:${kind}`, 200_000).got).toBe(400_000);
  });

  it.each(kinds)('128 MiB of 4 KiB items pass through one long-lived %s to a consumer thread', (kind) => {
    expect(churn(`queue-stream:${kind}`, 32_768)).toMatchObject({ items: 32_768, passedMiB: 128, left: 0 });
  });

  it.each(kinds)('a %s holds over 6 MiB of 1-64 KiB items at once and drains them exactly (shared, and moved from local)', (kind) => {
    expect(churn(`queue-hold:${kind}`, 6 * 1024)).toMatchObject({ held: 312, drained: 624 });
  });

  it('dropped shared queues are freed with their items: their heap blocks are reused', async () => {
    if (!(await collectGarbage())) throw new Error('needs Node (a garbage collection on demand)');
    const made = new Set<number>();
    for (let round = 0; round < 5; round++) {
      for (let i = 0; i < 50; i++) {
        for (const q of [new Queue(), new LifoQueue(), new PriorityQueue(), new SimpleQueue()]) {
          for (let k = 0; k < 3; k++) q.put([k, 'item'.repeat(k)]);
          // Reading the handle shares the queue, as sending it to a thread does.
          made.add(q[HANDLE].address);
        }
      }
      await collectGarbage();
    }
    // 1000 queues; without reclamation every one would have a block of its own.
    expect(made.size).toBeLessThan(500);
  });

  it.each(kinds)('500 %s queues, each sent to a thread started per iteration of an async loop', (kind) => {
    expect(churn(`queue-threads:${kind}`, 500).got).toBe(1500);
  });
});

describe('memory: futures and executors churned in a synchronous loop are reclaimed', () => {
  it('1M submits, at most 1000 futures alive, results consumed in order', () => {
    const n = 1_000_000;
    expect(churn('submit', n).sum).toBe((n * (n + 1)) / 2);
  });

  it('200k submits, each of a new task(url, name) for the same export', () => {
    const n = 200_000;
    expect(churn('submitTask', n).sum).toBe((n * (n + 1)) / 2);
  });

  it('200k executor.map items consumed', () => {
    const n = 200_000;
    const report = churn('map', n);
    expect(report.seen).toBe(n);
    expect(report.sum).toBe((n * (n + 1)) / 2);
  });

  it('100k calls submitted and cancelled while queued', () => {
    const report = churn('cancel', 100_000);
    expect(report.cancelled).toBe(100_000);
    expect(report.notified).toBe(10_000);
  });

  it('2k executors made, used, shut down (waiting) and dropped', () => {
    const n = 2_000;
    expect(churn('executors', n).sum).toBe(6 * ((n * (n - 1)) / 2));
  });
});

describe('memory: RLock, Semaphore, BoundedSemaphore, Condition and Barrier are reclaimed', { timeout: SCENARIO_MS + 10_000 }, () => {
  it('2M RLocks made, taken twice, released and dropped', () => {
    expect(churn('rlock', 2_000_000).nested).toBe(2_000_000);
  });

  it('2M Semaphores made, emptied, polled, refilled and dropped', () => {
    expect(churn('semaphore', 2_000_000).taken).toBe(4_000_000);
  });

  it('2M BoundedSemaphores made, taken, released (now and then over-released) and dropped', () => {
    const report = churn('boundedSemaphore', 2_000_000);
    expect(report.taken).toBe(2_000_000);
    expect(report.refused).toBe(2_000);
  });

  it('1M Conditions made, notified and polled under their lock, and dropped', () => {
    expect(churn('condition', 1_000_000).polled).toBe(1_000_000);
  });

  it('1M Barrier(1)s passed (the action runs), aborted, reset, passed again and dropped', () => {
    const report = churn('barrier', 1_000_000);
    expect(report.passed).toBe(2_000_000);
    expect(report.actions).toBe(2_000_000);
  });

  it('48k sets of all five sent to another thread and used there, from async loops: more than the heap holds', () => {
    const report = churn('sharedSync', 1_500);
    expect(report.sets).toBe(48_000);
    expect(report.good).toBe(48_000);
  });
});
