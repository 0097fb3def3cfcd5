/**
 * Futex-style waits on a 32-bit cell, over the parking lot: wait while the cell holds a value,
 * wake its waiters after changing it. This is how Event, Semaphore, Barrier, joins, futures and
 * the queues wait — each on a cell of its own block that every change bumps (a sequence
 * counter or a state word) — while Condition uses the lot's queue directly.
 *
 * A sync wait first re-reads the cell a bounded number of times ({@link WAIT_SPIN_READS}, when a
 * core is free for it: see `spinWhile`) and goes to the lot only if it did not change: a thread that parks gives up its core, and waking it
 * costs a system call, the scheduler and, when its core went idle, the core's wake-up — far more
 * than most hand-offs between threads take (a notifier typically releases a microsecond after
 * it notifies). The spin is short and bounded. Async waits never spin (they must not hold the
 * event loop).
 */
import { backend } from '../runtime';
import { ALL, park, parkAsync, unpark, type ParkOutcome } from './lot';
import { QUEUED_SPIN_READS, spinWhile, WAIT_SPIN_READS } from './spin';


/** How a word wait ended: woken, the cell no longer held the value, or the time ran out. */
export type WordWaitResult = 'ok' | 'not-equal' | 'timed-out';

function result(outcome: ParkOutcome): WordWaitResult {
  return outcome === 'unparked' ? 'ok' : outcome === 'invalid' ? 'not-equal' : 'timed-out';
}

/**
 * Waits while the cell at `address` holds `expected`, until a {@link wakeWord} of it or
 * `timeoutMs` passes (`Infinity` = forever), after re-reading it `spinReads` times (a caller that
 * spun already passes 0). May return 'ok' when the cell still holds
 * `expected` (another change and back, or a wake-one meant for a waiter that left): callers
 * re-check their condition.
 */
export function waitWord(address: number, expected: number, timeoutMs: number, spinReads = WAIT_SPIN_READS): WordWaitResult {
  if (spinWhile(backend().heap.i32, address, expected, spinReads)) return 'not-equal';
  if (timeoutMs <= 0) return 'timed-out';
  const index = address >> 2;
  const holds = (): boolean => Atomics.load(backend().heap.i32, index) === expected;
  return result(park(address, holds, undefined, timeoutMs, QUEUED_SPIN_READS));
}

/** {@link waitWord} without blocking the event loop (no spin). Keeps the process alive while pending unless `keepAlive` is false. */
export async function waitWordAsync(address: number, expected: number, timeoutMs: number, keepAlive = true): Promise<WordWaitResult> {
  const index = address >> 2;
  if (Atomics.load(backend().heap.i32, index) !== expected) return 'not-equal';
  if (timeoutMs <= 0) return 'timed-out';
  const holds = (): boolean => Atomics.load(backend().heap.i32, index) === expected;
  return result(await parkAsync(address, holds, undefined, timeoutMs, keepAlive));
}

/** Wakes up to `count` waiters of the cell at `address` (call it after changing the cell); returns how many woke. */
export function wakeWord(address: number, count: number = ALL): number {
  return unpark(address, count);
}
