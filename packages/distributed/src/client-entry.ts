/**
 * The I/O thread's record of one job of its executor, and how its outcome is set and counted:
 * each future is counted in `queued` or `running` until its outcome is set (or it is cancelled),
 * then in `completed`, `failed` or `cancelled` — counted before the future completes, so that
 * `stats()` read by a thread that saw the future done already agrees with it.
 */
import type { Future, SharedArray } from '@threadkit/api';
import type { JobData } from './protocol';
import { S } from './stats';

/** Where a job is: held by `maxInFlight`, being added, in Redis, or started by a worker. */
export type Phase = 'held' | 'adding' | 'queued' | 'started';

/** One job of the executor, from submit until its future is done. */
export interface Entry {
  readonly jobId: string;
  readonly future: Future<unknown>;
  readonly data: JobData;
  readonly priority: number;
  /** When `submit` was called: ms since the epoch (the clock every thread shares). */
  readonly submittedAt: number;
  /** When its `active` event came (same clock); 0 before. */
  startedAt: number;
  phase: Phase;
  /** True while the entry is counted in `queued` or `running`. */
  counted: boolean;
}

/** Takes the entry out of `queued`/`running`. */
export function uncount(counters: SharedArray<'i'>, entry: Entry): void {
  if (!entry.counted) return;
  entry.counted = false;
  counters.sub(entry.phase === 'started' ? S.running : S.queued, 1);
}

/**
 * Sets the future's outcome, counting it in `counter` first; true when it was set. A future
 * another thread cancelled a moment before keeps its cancellation (the count is taken back); an
 * outcome that cannot be stored (the shared heap at its cap) fails the future with that error.
 */
export function finish(counters: SharedArray<'i'>, entry: Entry, raised: boolean, value: unknown, counter: number): boolean {
  if (entry.future.done()) return false;
  const { counted, phase } = entry;
  uncount(counters, entry);
  counters.add(counter, 1);
  try {
    if (raised) entry.future.setException(value);
    else entry.future.setResult(value);
    return true;
  } catch (error) {
    counters.sub(counter, 1);
    if (!entry.future.done()) {
      counters.add(S.failed, 1);
      entry.future.setException(error);
      return false;
    }
    if (counted) {
      entry.counted = true;
      counters.add(phase === 'started' ? S.running : S.queued, 1);
    }
    return false;
  }
}
