/**
 * The deadlock watch: `THREADKIT_DEADLOCK=warn|raise|off` (default off) or
 * {@link setDeadlockMode}. When it is on, a thread that starts a wait on something owned (a Lock,
 * an RLock, a `join`) — on the slow path only, after its fast path failed — looks for a cycle
 * through itself (deadlock.ts). Only the wait that closes a cycle can find it, and the lookups run
 * one at a time (a core lock in the roots), so of threads that start waiting at the same moment
 * exactly one finds it: `warn` prints the cycle and the dump of its threads to stderr once (its
 * waits are marked reported);
 * `raise` ends that thread's wait and throws `DeadlockError` in it, so the others go on.
 */
import { DeadlockError } from '../errors';
import { Root } from '../roots';
import { backend } from '../runtime';
import { cycleThrough, describeCycle, identMap, type CycleLink } from './deadlock';
import { formatThreads } from './dump';
import { stillWaiting, withLiveRecords } from './snapshot';
import { Field } from '../threading/thread-record';
import { NO_RAISE, REPORTED, VICTIM, WaitKind } from './wait-state';

/** The watch's modes. */
export type DeadlockMode = 'off' | 'warn' | 'raise';

const MODES: readonly DeadlockMode[] = ['off', 'warn', 'raise'];


/**
 * Sets the deadlock watch for the whole process (every thread): `'off'` (the default), `'warn'`
 * (print each cycle and its threads' dump to stderr, once) or `'raise'` (throw
 * {@link DeadlockError} in the thread whose wait closes a cycle). Returns the previous mode.
 * `THREADKIT_DEADLOCK` sets it at start. Costs nothing on fast paths; when on, a wait that has to
 * block on a Lock, RLock or join first follows the chain of owners (one thread at a time). A
 * cycle with a wait that has a timeout is warned about but not broken in 'raise' mode (it ends
 * when that wait times out, and Python's timed waits return then rather than raise); one closed
 * by a Condition's lock re-acquire (which must end with the lock held) is broken in another
 * thread of it whose Lock/RLock acquire can raise (those poll for that in 'raise' mode).
 */
export function setDeadlockMode(mode: DeadlockMode): DeadlockMode {
  const value = MODES.indexOf(mode);
  if (value < 0) throw new RangeError(`deadlock mode must be 'off', 'warn' or 'raise', not ${JSON.stringify(mode)}`);
  return MODES[Atomics.exchange(backend().heap.i32, Root.deadlockMode >> 2, value)] ?? 'off';
}

/** The current deadlock watch mode. */
export function getDeadlockMode(): DeadlockMode {
  return MODES[Atomics.load(backend().heap.i32, Root.deadlockMode >> 2)] ?? 'off';
}

/** Reads `THREADKIT_DEADLOCK` (main thread, at start); a bad value is a RangeError naming the good ones. */
export function deadlockModeFromEnv(value: string | undefined): void {
  if (value === undefined || value === '') return;
  const mode = value.trim().toLowerCase();
  if (!MODES.includes(mode as DeadlockMode)) {
    throw new RangeError(`THREADKIT_DEADLOCK must be 'warn', 'raise' or 'off', not ${JSON.stringify(value)}`);
  }
  setDeadlockMode(mode as DeadlockMode);
}

/**
 * Called by a thread that has just recorded an ownership wait (its record `record`): when the
 * wait closes a cycle, warns or — in 'raise' mode, when no wait of the cycle has a timeout —
 * calls `endOwnWait` (still under the watch's lock, so no other thread of the cycle finds it
 * too) and throws {@link DeadlockError}.
 */
export function watchForDeadlock(record: number, endOwnWait: () => void, canRaise: boolean): void {
  const b = backend();
  const mode = Atomics.load(b.heap.i32, Root.deadlockMode >> 2);
  let message: string | undefined;
  b.lockAcquire(Root.deadlockLock, Infinity);
  try {
    withLiveRecords((records) => {
      const links = cycleThrough(record, identMap(records));
      if (links === undefined) return;
      const description = describeCycle(links);
      // A cycle with a timed wait in it ends by itself when that wait times out, and Python's
      // `acquire(timeout=…)`/`join(timeout)` promise to return then, not to raise: 'raise'
      // breaks only cycles of untimed waits, and warns about the others (as 'warn' does).
      if (mode === 2 && !links.some((link) => link.wait.timed)) {
        if (!canRaise) {
          // A Condition's re-acquire must end with the lock held: break the cycle in a thread
          // whose Lock/RLock acquire may raise (it polls for the mark in 'raise' mode).
          if (markVictim(record, links)) return;
        } else {
          endOwnWait();
          message = `${description}\n(this thread's wait closed the cycle and was broken)`;
          return;
        }
      }
      // Once per cycle, whichever thread finds it: its waits are marked (under the watch's lock).
      const flags = links.map((link) => (link.info.record + Field.waitFlags) >> 2);
      if (flags.every((at) => (Atomics.load(b.heap.i32, at) & REPORTED) !== 0)) return;
      for (const at of flags) Atomics.or(b.heap.i32, at, REPORTED);
      b.writeStderr(`threadkit: ${description}\n\n${formatThreads(links.map((link) => link.info.record))}\n`);
    });
  } finally {
    b.lockRelease(Root.deadlockLock);
  }
  if (message !== undefined) throw new DeadlockError(message);
}

/**
 * Marks, in a cycle closed by a wait that must not raise, another thread's Lock/RLock acquire as
 * the one to break ({@link VICTIM}); true when one was marked. The mark stands only if that
 * thread is still in the very wait the cycle was verified with (its `waitSeq` unchanged).
 */
function markVictim(record: number, links: readonly CycleLink[]): boolean {
  const i32 = backend().heap.i32;
  for (const link of links) {
    const { info, wait } = link;
    if (info.record === record || (wait.kind !== WaitKind.lock && wait.kind !== WaitKind.rlock)) continue;
    const flags = (info.record + Field.waitFlags) >> 2;
    if ((Atomics.load(i32, flags) & NO_RAISE) !== 0) continue;
    Atomics.or(i32, flags, VICTIM);
    if (stillWaiting(info.record, wait)) return true;
    Atomics.and(i32, flags, ~VICTIM);
  }
  return false;
}

/**
 * The DeadlockError for a wait marked {@link VICTIM}: the cycle as it stands (its threads are
 * still blocked on each other), under the watch's lock.
 */
export function victimError(record: number): DeadlockError {
  const b = backend();
  let description = 'deadlock';
  b.lockAcquire(Root.deadlockLock, Infinity);
  try {
    withLiveRecords((records) => {
      const links = cycleThrough(record, identMap(records));
      if (links !== undefined) description = describeCycle(links);
    });
  } finally {
    b.lockRelease(Root.deadlockLock);
  }
  return new DeadlockError(`${description}\n(a Condition's lock re-acquire closed the cycle; it cannot raise, so this thread's wait was broken)`);
}
