/**
 * `dumpThreads()`: every live thread and what it is doing, in the spirit of Java's `jstack` and
 * Python's `faulthandler.dump_traceback` — read from shared memory only, so it works while the
 * other threads (or all of them but the caller) are blocked, and from the supervisor when a
 * signal asks for it (dump-signal.ts).
 */
import { backend } from '../runtime';
import { describeCycle, findCycles, threadLabel } from './deadlock';
import { describeWait, lockRepr, rlockRepr } from './describe';
import { LOCK_HOLDER, sharedLocks } from '../sync/lock';
import { RLOCK_OWNER, sharedRLocks } from '../sync/rlock';
import { ownerIdent, stillWaiting, threadInfo, waitStack, withLiveRecords, type ThreadInfo } from './snapshot';
import { isOwnershipWait, WaitKind } from './wait-state';

/** One thread's entry, read consistently: its state, what it waits in, who owns that. */
interface Entry {
  readonly info: ThreadInfo;
  /** The wait line (empty when running), and the owner of the object waited on (0: none). */
  readonly waitText: string;
  readonly owner: number;
  readonly stack: string | undefined;
}

/** Reads one thread, retrying while its wait changes under the reads (it left or began one). */
function readEntry(record: number): Entry {
  for (let attempt = 0; ; attempt++) {
    const info = threadInfo(record);
    const wait = info.wait;
    if (wait === undefined) return { info, waitText: '', owner: 0, stack: undefined };
    let waitText: string;
    let owner = 0;
    let stack: string | undefined;
    try {
      waitText = describeWait(wait);
      owner = ownerIdent(wait);
      stack = waitStack(record);
    } catch {
      waitText = describeWait({ ...wait, object: 0, kind: -1 });
    }
    if (stillWaiting(record, wait) || attempt >= 4) return { info, waitText, owner, stack };
  }
}

function stateLine(entry: Entry, byIdent: ReadonlyMap<number, Entry>, now: number): string {
  const { info } = entry;
  const head = `${threadLabel(info)} nativeId=${info.nativeId}${info.daemon ? ' daemon' : ''}`;
  if (info.state !== 'waiting' || info.wait === undefined) return `${head}: ${info.state}`;
  const ms = Math.max(0, Math.round(now - info.wait.since));
  let line = `${head}: waiting in ${entry.waitText} for ${ms} ms${info.wait.timed ? ' (with a timeout)' : ''}`;
  if (entry.owner !== 0 && info.wait.kind !== WaitKind.join) {
    const owner = byIdent.get(entry.owner);
    line += `, held by ${owner === undefined ? `ident ${entry.owner}` : threadLabel(owner.info)}`;
  }
  return line;
}

/** The shared Locks and RLocks held now, by the ident of their holder: their reprs and addresses. */
function heldLocks(): Map<number, { repr: string; address: number }[]> {
  const held = new Map<number, { repr: string; address: number }[]>();
  const note = (ident: number, repr: string, address: number): void => {
    if (ident === 0) return;
    const list = held.get(ident) ?? [];
    list.push({ repr, address });
    held.set(ident, list);
  };
  const i32 = backend().heap.i32;
  sharedLocks.forEach((address) => {
    if (backend().lockLocked(address)) note(Atomics.load(i32, (address + LOCK_HOLDER) >> 2), lockRepr(address), address);
  });
  sharedRLocks.forEach((address) => {
    if (backend().lockLocked(address)) note(Atomics.load(i32, (address + RLOCK_OWNER) >> 2), rlockRepr(address), address);
  });
  return held;
}

/** ` (waited for by "t2" (ident 3))`, when threads of the dump wait for the lock at `address`. */
function waitedForBy(address: number, entries: readonly Entry[]): string {
  const waiters = entries.filter((entry) => entry.info.wait?.object === address && isOwnershipWait(entry.info.wait.kind) && entry.info.wait.kind !== WaitKind.join);
  return waiters.length === 0 ? '' : ` (waited for by ${waiters.map((entry) => threadLabel(entry.info)).join(', ')})`;
}

/** The dump of the threads with records `records` (references held by the caller), as text. */
export function formatThreads(records: readonly number[], withDeadlocks = false): string {
  const entries = records.map(readEntry);
  const byIdent = new Map(entries.map((entry) => [entry.info.ident, entry] as const));
  const now = Date.now();
  const held = heldLocks();
  const lines: string[] = [];
  for (const entry of entries) {
    lines.push(stateLine(entry, byIdent, now));
    for (const lock of held.get(entry.info.ident) ?? []) {
      lines.push(`    holds ${lock.repr} at 0x${lock.address.toString(16)}${waitedForBy(lock.address, entries)}`);
    }
    if (entry.stack !== undefined) {
      lines.push('    blocked at:');
      for (const frame of entry.stack.split('\n')) lines.push(`      ${frame}`);
    }
  }
  if (withDeadlocks) {
    const cycles = findCycles(records);
    lines.push('', cycles.length === 0 ? 'No deadlock found.' : `Found ${cycles.length} deadlock${cycles.length === 1 ? '' : 's'}:`);
    for (const cycle of cycles) lines.push(describeCycle(cycle));
  }
  return lines.join('\n');
}

/**
 * Every live thread, one entry each (oldest first): name, ident, native id, daemon flag, state
 * (`running`, `waiting`, `finished`), and for a waiting thread what it waits in — the object's
 * repr (`Lock.acquire <Lock locked>`, `Condition.wait <Condition(…, 1)>`, `join(<Thread(…)>)`,
 * `Queue.get <Queue size=0>`, `Future.result <Future state=running>`, `Event.wait <Event
 * unset>`, …), for how long, which thread holds it (Lock, RLock), the shared Locks and RLocks each
 * thread holds (and who waits for them), and the JS stack where it blocked when stacks are on (`setDumpStacks(true)` or
 * `THREADKIT_STACKS=1`). Ends with the deadlocks found ({@link detectDeadlocks}).
 *
 * Read from shared memory only: it works while other threads are blocked. Only sync waits are
 * seen: a thread whose event loop awaits an `…Async` call is `running`. A Lock has no owner in
 * Python; the thread that acquired it is shown as holding it.
 */
export function dumpThreads(): string {
  return withLiveRecords((records) => {
    const title = `threadkit thread dump (${backend().name} backend, ${records.length} thread${records.length === 1 ? '' : 's'}, ${new Date().toISOString()})`;
    return `${title}\n${formatThreads(records, true)}\n`;
  });
}
