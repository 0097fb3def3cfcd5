/**
 * The contended acquire of a Lock or RLock, after its one try failed: re-read the lock word by the
 * library's spin policy (parking/spin.ts; a held lock is usually released within a few hundred ns), and only
 * when that did not get it, record the wait for diagnostics (diagnostics/wait-state.ts — which
 * is also where the deadlock watch looks for a cycle) and hand the rest to the backend's core
 * lock, which spins briefly and parks. So neither the uncontended acquire nor a hand-over that
 * the spin catches pays for the record.
 */
import type { Backend } from '../spi';
import { beginAsyncWait, beginWait, endAsyncWait, endWait, isDeadlockVictim, type WaitKindValue } from '../diagnostics/wait-state';
import { victimError } from '../diagnostics/deadlock-watch';
import { spinToLock } from '../host/core-lock';
import { Root } from '../roots';
import { Deadline } from '../timeout';

/**
 * Acquires the core lock at `cell` for a caller whose first try failed; `ms` > 0 (Infinity =
 * forever). `view` is any i32 view of the heap that covers the cell. True once acquired.
 */
export function acquireContended(b: Backend, view: Int32Array, cell: number, ms: number, kind: WaitKindValue): boolean {
  if (spinToLock(view, cell, (at) => b.lockAcquire(at, 0))) return true;
  const token = beginWait(kind, cell, ms !== Infinity);
  try {
    if (Atomics.load(view, Root.deadlockMode >> 2) !== 2) return b.lockAcquire(cell, ms);
    // 'raise' mode: wait in slices, so that this wait can be the one that breaks a cycle closed
    // by a wait that must not raise (a Condition's re-acquire; diagnostics/deadlock-watch.ts).
    const deadline = new Deadline(ms);
    for (;;) {
      const remaining = deadline.remaining();
      if (b.lockAcquire(cell, Math.min(remaining, VICTIM_POLL_MS))) return true;
      if (isDeadlockVictim(token)) throw victimError(token.record);
      if (remaining <= VICTIM_POLL_MS && remaining !== Infinity) return false;
    }
  } finally {
    endWait(token);
  }
}

/**
 * The async acquire of the core lock at `cell` (a Lock's or RLock's, after its local fast path):
 * one try, then, unless `ms` is 0, the backend's async acquire — an `…Async` wait, so a trace
 * shows it (diagnostics/wait-state.ts). True once acquired.
 */
export async function acquireContendedAsync(b: Backend, cell: number, ms: number, kind: WaitKindValue): Promise<boolean> {
  if (b.lockAcquire(cell, 0)) return true;
  if (ms === 0) return false;
  const token = beginAsyncWait(kind, cell);
  try {
    return await b.lockAcquireAsync(cell, ms);
  } finally {
    endAsyncWait(token);
  }
}

/** How often a Lock/RLock wait in 'raise' mode looks whether it was chosen to break a cycle (ms). */
const VICTIM_POLL_MS = 20;
