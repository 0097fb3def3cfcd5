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
/**
 * How long one scenario may run. Each takes a few seconds on an idle 2-core machine; the bound
 * is generous because a loaded machine is several times slower, and only a hang should fail.
 */
const SCENARIO_MS = 150_000;
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
  it('200k threads started and joined one after another in a 16 MiB heap', () => {
    expect(churn('threads', 200_000).started).toBe(200_000);
  });

  it('60k Timers started, fired or cancelled, and joined', () => {
    const report = churn('timers', 60_000);
    expect(report.fired).toBe(20_000);
    expect(report.cancelled).toBe(40_000);
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
