/**
 * `submitWith`'s options for a DistributedExecutor (the local `SubmitOptions`, with the priority
 * range BullMQ can hold) and the retry backoff.
 */
import type { SubmitOptions } from '@threadkit/api';

/** Delay between tries: ms (fixed), or BullMQ's `{ type: 'fixed' | 'exponential', delay }`. */
export type Backoff = number | { type: 'fixed' | 'exponential'; delay?: number };

/** The local executor's `SubmitOptions`: `signal`, `timeout` (ms from the task's start), `priority`. */
export type DistributedSubmitOptions = SubmitOptions;

/** The largest |priority| a DistributedExecutor takes (BullMQ keeps 2^21 priority levels). */
export const MAX_PRIORITY = 1_048_575;

/** Checks `options` as the local executor does; a TypeError/RangeError names the bad one. */
export function checkOptions(options: DistributedSubmitOptions): DistributedSubmitOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('submitWith options must be an object');
  const { signal, timeout, priority = 0 } = options;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new TypeError('signal must be an AbortSignal');
  if (timeout !== undefined && (typeof timeout !== 'number' || Number.isNaN(timeout))) throw new TypeError('timeout must be a number of milliseconds');
  if (timeout !== undefined && timeout < 0) throw new RangeError("'timeout' must be a non-negative number");
  if (typeof priority !== 'number' || !Number.isInteger(priority)) throw new TypeError('priority must be an integer');
  if (Math.abs(priority) > MAX_PRIORITY) throw new RangeError(`priority must be between -${MAX_PRIORITY} and ${MAX_PRIORITY} for a DistributedExecutor`);
  return options;
}

/** BullMQ's priority (1 = first … 2^21) for threadkit's (lower first, 0 by default). */
export function bullPriority(priority: number): number {
  return priority + MAX_PRIORITY + 2;
}
