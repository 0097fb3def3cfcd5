/**
 * The waiter behind `wait()` and `asCompleted()` (CPython's `_Waiter`): one heap cell that
 * every watched future bumps and wakes when it reaches CANCELLED_AND_NOTIFIED or FINISHED.
 * The waiting thread reads the cell, scans the futures' states, and parks on the cell only if
 * its condition still does not hold — so a completion between the scan and the park is never
 * lost, and FIRST_COMPLETED wakes on the first completion. No callback crosses threads.
 *
 * Waiter block layout (8 bytes): +0 seq (bumped by futures), +4 unused.
 */
import { backend } from '../runtime';
import { addWaiter, removeWaiter } from './future-core';
import { waitWord, waitWordAsync } from '../parking/word';
import { loadField } from '../fields';

const WAITER_BYTES = 8;

/**
 * A waiter installed on a set of future blocks; call {@link uninstall} when done with it. The
 * caller keeps every watched block alive (pinned, see `Future.pin`) until it stops watching it.
 */
export class Waiter {
  private cell: number;
  private readonly installedOn = new Set<number>();

  constructor() {
    this.cell = backend().alloc(WAITER_BYTES);
  }

  /** Starts receiving completion signals from the future block at `address`. */
  watch(address: number): void {
    addWaiter(address, this.cell);
    this.installedOn.add(address);
  }

  /** Stops receiving signals from the block at `address` (before its future is unpinned). */
  unwatch(address: number): void {
    if (this.installedOn.delete(address)) removeWaiter(address, this.cell);
  }

  /** The current signal count: read it before scanning, pass it to {@link park}. */
  seq(): number {
    return loadField(this.cell);
  }

  /** Parks until a watched future signals after `seq` was read, or `deadline` passes. */
  park(seq: number, deadline: number): void {
    const remaining = deadline === Infinity ? Infinity : deadline - performance.now();
    if (remaining > 0) waitWord(this.cell, seq, remaining);
  }

  /** {@link park} without blocking the event loop (keeps the process alive while pending). */
  async parkAsync(seq: number, deadline: number): Promise<void> {
    const remaining = deadline === Infinity ? Infinity : deadline - performance.now();
    if (remaining > 0) await waitWordAsync(this.cell, seq, remaining);
  }

  /** Removes the waiter from every future it watches and frees it. Idempotent. */
  uninstall(): void {
    if (this.cell === 0) return;
    for (const address of this.installedOn) removeWaiter(address, this.cell);
    this.installedOn.clear();
    backend().free(this.cell);
    this.cell = 0;
  }
}

/** `performance.now()`-based deadline for a wait timeout in ms (already validated). */
export function deadlineAfter(ms: number): number {
  return ms === Infinity ? Infinity : performance.now() + ms;
}
