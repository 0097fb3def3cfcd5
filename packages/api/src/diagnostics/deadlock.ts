/**
 * Deadlock detection: cycles of threads each blocked waiting for something the next one owns —
 * a Lock it holds, an RLock it owns, the thread itself (`join`). Each thread waits on one thing
 * and each thing has at most one owner, so the wait-for graph has at most one edge out of each
 * thread and its cycles are found by following the edges.
 *
 * Everything is read from shared memory (snapshot.ts), while the threads run, so every cycle
 * found is checked again: each of its threads must still be in the very same wait (same odd
 * `waitSeq`) and each object still owned by the same thread. A thread cannot acquire or release
 * anything while it is blocked, so between the two reads all of them were blocked on each other
 * at once — a real cycle. (A Lock has no owner in Python: any thread may release it. A cycle
 * through a Lock is reported as its acquirers hold it; a thread waiting for a Lock it took
 * itself is not reported, since that is how a Lock is used as a signal.)
 */
import { reviveHandle } from '../handle';
import type { Thread } from '../threading/thread';
import { describeWait } from './describe';
import { ownerIdent, readWait, stillWaiting, threadInfo, withLiveRecords, type ThreadInfo, type WaitRead } from './snapshot';
import { WaitKind } from './wait-state';

/** One cycle of threads waiting on each other (see {@link detectDeadlocks}). */
export interface Deadlock {
  /** The threads of the cycle, each waiting for what the next one owns (the last for the first's). */
  readonly threads: Thread[];
  /** The cycle, one line per thread: what it waits in and who holds that. */
  readonly description: string;
}

/** A thread of a cycle: its record, the wait it was in, and the owner of that wait's object. */
export interface CycleLink {
  readonly info: ThreadInfo;
  readonly wait: WaitRead;
  readonly owner: number;
}

/** `"thread_one" (ident 2)` */
export function threadLabel(info: Pick<ThreadInfo, 'name' | 'ident'>): string {
  return `"${info.name}" (ident ${info.ident})`;
}

/** The readable description of a verified cycle. */
export function describeCycle(links: readonly CycleLink[]): string {
  const lines = links.map((link, i) => {
    const next = links[(i + 1) % links.length].info;
    const what = describeWait(link.wait);
    const by = link.wait.kind === WaitKind.join ? '' : `, held by ${threadLabel(next)}`;
    return `  ${threadLabel(link.info)} waits in ${what}${by}${link.wait.timed ? ' (with a timeout)' : ''}`;
  });
  return `deadlock of ${links.length} thread${links.length === 1 ? '' : 's'}:\n${lines.join('\n')}`;
}

/** True when every link still holds: the same wait, the same owner. */
function verified(links: readonly CycleLink[]): boolean {
  return links.every((link) => stillWaiting(link.info.record, link.wait) && ownerIdent(link.wait) === link.owner);
}

/** A link for the thread with record `record` when it waits on something owned: its wait and the owner. */
function linkOf(record: number): { wait: WaitRead; owner: number } | undefined {
  const wait = readWait(record);
  if (wait === undefined) return undefined;
  const owner = ownerIdent(wait);
  return owner === 0 ? undefined : { wait, owner };
}

/** A cycle is not one when a thread waits for a Lock it holds itself (the Lock-as-signal idiom). */
function isSelfLockWait(links: readonly CycleLink[]): boolean {
  return links.length === 1 && links[0].wait.kind === WaitKind.lock;
}

/**
 * The cycle through the thread with record `start`, following its wait's owner, then that
 * thread's, …, verified; undefined when the chain ends or loops without coming back to `start`.
 * `byIdent` maps the live threads' idents to their records.
 */
export function cycleThrough(start: number, byIdent: ReadonlyMap<number, number>): CycleLink[] | undefined {
  const links: CycleLink[] = [];
  const seen = new Set<number>();
  for (let record = start; ; ) {
    const link = linkOf(record);
    if (link === undefined) return undefined;
    seen.add(record);
    links.push({ info: threadInfo(record), ...link });
    const next = byIdent.get(link.owner);
    if (next === undefined) return undefined;
    if (next === start) break;
    if (seen.has(next)) return undefined;
    record = next;
  }
  return !isSelfLockWait(links) && verified(links) ? links : undefined;
}

/** Maps each live record's ident to the record. */
export function identMap(records: readonly number[]): Map<number, number> {
  const map = new Map<number, number>();
  for (const record of records) map.set(threadInfo(record).ident, record);
  return map;
}

/** Every verified cycle among the live threads, each once, as links. */
export function findCycles(records: readonly number[]): CycleLink[][] {
  const byIdent = identMap(records);
  const done = new Set<number>();
  const cycles: CycleLink[][] = [];
  for (const record of records) {
    if (done.has(record)) continue;
    const cycle = cycleThrough(record, byIdent);
    if (cycle === undefined) continue;
    for (const link of cycle) done.add(link.info.record);
    cycles.push(cycle);
  }
  return cycles;
}

/**
 * Every cycle of threads blocked waiting on each other through ownership — a Lock (held by the
 * thread that acquired it), an RLock (its owner), a `join` (the joined thread) — found now, from
 * shared memory, while the threads run. Each is checked twice, so a cycle reported is real (see
 * the module comment for the one caveat of Python's owner-less Lock). Waits with a timeout count:
 * they are deadlocked until the time runs out. Condition, Event, Semaphore, Barrier, queue and
 * future waits have no owner and make no cycle. Only sync waits are seen (an `…Async` wait leaves
 * its thread running).
 */
export function detectDeadlocks(): Deadlock[] {
  return withLiveRecords((records) =>
    findCycles(records).map((links) => ({
      threads: links.map((link) => reviveHandle('Thread', link.info.record) as Thread),
      description: describeCycle(links),
    })),
  );
}
