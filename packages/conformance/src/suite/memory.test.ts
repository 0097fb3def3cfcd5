import { describe, expect, it } from 'vitest';
import { runChild } from './support';

/**
 * The memory area: every kind of shared object is reclaimed while a synchronous loop is still
 * running, so a loop that creates, uses and drops objects runs far past what a small heap could
 * hold if nothing came back. Each scenario runs in a child process with a 16 MiB heap
 * (fixtures/child-memory.mjs) and reports what it counted and the heap's bytes in use before
 * and after the loop.
 */

const SMALL_HEAP_MB = '16';
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
  const r = runChild('child-memory.mjs', [scenario, String(count)], { THREADKIT_HEAP_MB: SMALL_HEAP_MB });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const report = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as Report;
  expect(report.cap).toBe(16 * 1024 * 1024);
  expect(report.after - report.before).toBeLessThan(LEFTOVER_BYTES);
  return report;
}

describe('memory: objects made and dropped in a synchronous loop are reclaimed', () => {
  it('200k threads started and joined one after another in a 16 MiB heap', () => {
    expect(churn('threads', 200_000).started).toBe(200_000);
  });

  it('2M Locks made, acquired, released and dropped', () => {
    expect(churn('lock', 2_000_000).taken).toBe(2_000_000);
  });

  it('2M Events made, set, waited for and dropped', () => {
    expect(churn('event', 2_000_000).seen).toBe(2_000_000);
  });
});

describe('memory: futures and executors churned in a synchronous loop are reclaimed', () => {
  it('1M submits, at most 1000 futures alive, results consumed in order', () => {
    const n = 1_000_000;
    expect(churn('submit', n).sum).toBe((n * (n + 1)) / 2);
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
