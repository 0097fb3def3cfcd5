/**
 * Reading what other threads are doing, from shared memory only: their records' wait fields
 * (diagnostics/wait-state.ts) and the owner cells of the objects they wait on. No thread is asked
 * anything, so this works while every other thread is blocked.
 */
import { loadValue } from '../codec';
import { backend } from '../runtime';
import { LOCK_HOLDER } from '../sync/lock';
import { RLOCK_OWNER } from '../sync/rlock';
import { Field, liveRecords, recordName, recordRefs, State } from '../threading/thread-record';
import { loadField } from '../fields';
import { isOwnershipWait, TIMED, WaitKind } from './wait-state';

/** One wait of one thread, read consistently (the same odd `waitSeq` before and after). */
export interface WaitRead {
  /** The record's `waitSeq` while in this wait (odd). */
  readonly seq: number;
  /** A `WaitKind` value. */
  readonly kind: number;
  /** Address of the object waited on (0 where the kind has none). */
  readonly object: number;
  /** True when the wait has a timeout. */
  readonly timed: boolean;
  /** `Date.now()` when the wait began. */
  readonly since: number;
}

/** Reads the wait the thread with record `record` is in, or undefined when it is not waiting. */
export function readWait(record: number): WaitRead | undefined {
  const heap = backend().heap;
  for (let attempt = 0; attempt < 8; attempt++) {
    const seq = loadField(record, Field.waitSeq);
    if ((seq & 1) === 0) return undefined;
    const kind = loadField(record, Field.waitKind);
    const object = loadField(record, Field.waitObject);
    const flags = loadField(record, Field.waitFlags);
    const since = heap.f64[(record + Field.waitSince) >> 3];
    if (loadField(record, Field.waitSeq) === seq) return { seq, kind, object, timed: (flags & TIMED) !== 0, since };
  }
  return undefined; // it keeps starting and ending waits: as good as running
}

/** True while the thread with record `record` is still in the wait `wait` (read earlier). */
export function stillWaiting(record: number, wait: WaitRead): boolean {
  return loadField(record, Field.waitSeq) === wait.seq;
}

/**
 * The ident of the thread that owns what `wait` waits on — a Lock's holder, an RLock's owner, the
 * thread being joined while it is alive — or 0 (no owner, unknown, or not an ownership wait).
 */
export function ownerIdent(wait: WaitRead): number {
  if (!isOwnershipWait(wait.kind) || wait.object === 0) return 0;
  const b = backend();
  const i32 = b.heap.i32;
  if (wait.kind === WaitKind.join) {
    const state = loadField(wait.object, Field.state);
    return state === State.STARTED || state === State.FINISHING ? loadField(wait.object, Field.ident) : 0;
  }
  if (!b.lockLocked(wait.object)) return 0;
  const offset = wait.kind === WaitKind.lock ? LOCK_HOLDER : RLOCK_OWNER;
  return Atomics.load(i32, (wait.object + offset) >> 2);
}

/** What is known of one live thread at one moment. */
export interface ThreadInfo {
  readonly record: number;
  readonly ident: number;
  readonly nativeId: number;
  readonly name: string;
  readonly daemon: boolean;
  /** `running`, `waiting` (in a sync wait) or `finished` (its run has ended; it is being taken down). */
  readonly state: 'running' | 'waiting' | 'finished';
  readonly wait: WaitRead | undefined;
}

/** The JS stack recorded when the thread began its current wait (stacks on), or undefined. */
export function waitStack(record: number): string | undefined {
  const b = backend();
  b.lockAcquire(record + Field.nameLock, Infinity);
  try {
    const block = loadField(record, Field.waitStack);
    return block === 0 ? undefined : (loadValue(block) as string);
  } finally {
    b.lockRelease(record + Field.nameLock);
  }
}

/** Reads one record (the caller holds a reference on it). */
export function threadInfo(record: number): ThreadInfo {
  const wait = readWait(record);
  const finished = loadField(record, Field.state) !== State.STARTED;
  return {
    record,
    ident: loadField(record, Field.ident),
    nativeId: loadField(record, Field.nativeId),
    name: recordName(record),
    daemon: loadField(record, Field.daemon) === 1,
    state: finished ? 'finished' : wait !== undefined ? 'waiting' : 'running',
    wait,
  };
}

/**
 * Runs `body` with every live thread's record, oldest first, each held by a reference (so none
 * is freed meanwhile), and releases them after.
 */
export function withLiveRecords<T>(body: (records: readonly number[]) => T): T {
  const records = liveRecords().reverse();
  try {
    return body(records);
  } finally {
    for (const record of records) recordRefs.release(record);
  }
}
