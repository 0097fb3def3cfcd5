/**
 * The spin policy — the one place that decides whether a thread about to wait re-reads a cell
 * for a while first, and for how long. Every sync wait of the library spins through
 * {@link spinWhile}: a word wait ({@link WAIT_SPIN_READS}; a join and a warm worker's wait for
 * the next thread {@link THREAD_SPIN_READS}), a parked waiter's wake cell
 * ({@link QUEUED_SPIN_READS}) and a held core lock ({@link LOCK_SPIN_READS}: the api's Lock and
 * RLock, and every backend's core lock — the wasm and native backends run their substrate's
 * contended acquire only after this spin, and do not spin again). Async waits do not spin (a spin
 * holds the event loop), except an idle pool thread's wait for work, whose spin adapts to how its
 * waits end ({@link AdaptiveSpin}).
 *
 * Spinning pays only while the thread being waited for has a core to run on, so at most one
 * thread per core spins at a time (counted in `Root.spinners`); any other goes straight to
 * parking — an oversubscribed program would otherwise burn the cores its wakers need. The budgets
 * differ by what is awaited: another thread's wake-up takes a few µs to arrive (a notify, a put,
 * a result), a held lock is usually released within a few hundred ns.
 */
import { Root } from '../roots';
import { cpuCount } from '../host/cpu-count';

/** Reads of a word before a sync wait on it parks, enough to cover a waker's release (each read is a call into V8's Atomics builtin: 2000 take 20–40 µs on a 2-core VM). */
export const WAIT_SPIN_READS = 2000;

/**
 * Reads before the waits on either side of a thread's start park: `join` on the thread's state,
 * and a warm worker, done with a thread, on the spawn queue. A start and a join in a row cross
 * between two threads each time (start → the worker runs it → the joiner sees it end → the next
 * start), and each crossing takes a few tens of µs; a side that parks in between costs the other
 * a wake-up and itself the scheduler's delay. Four times {@link WAIT_SPIN_READS}: a start/join
 * loop ran about a third faster than with it, and a long thread's join spends ~0.1 ms once.
 */
export const THREAD_SPIN_READS = 8000;

/** Reads of a queued waiter's wake cell before it sleeps, after the spin on the word found no change. */
export const QUEUED_SPIN_READS = 100;

/** Reads of a held core lock's cell before a sync acquire marks it contended and parks. */
export const LOCK_SPIN_READS = 100;

/**
 * Spins on a held core lock a contended sync acquire makes, each ending in one try, before it
 * parks: a lock seen free can be taken again by its releaser first (a queue's two sides take
 * turns on its lock), and a thread that lost that race would otherwise park at once.
 */
export const LOCK_SPIN_ROUNDS = 4;

/** Most threads that spin at once: one per core (read once). */
let spinSlots = 0;

/** Takes one of the {@link spinSlots}; false (nothing taken) when as many threads spin as there are cores. */
function takeSpinSlot(i32: Int32Array): boolean {
  spinSlots ||= cpuCount();
  if (Atomics.add(i32, Root.spinners >> 2, 1) < spinSlots) return true;
  Atomics.sub(i32, Root.spinners >> 2, 1);
  return false;
}

/** Gives back a slot taken by {@link takeSpinSlot}. */
function giveBackSpinSlot(i32: Int32Array): void {
  Atomics.sub(i32, Root.spinners >> 2, 1);
}

/**
 * Re-reads the cell at `address` of `i32` (a view of the shared heap) up to `reads` times while
 * it holds `expected`; true when it changed. False at once, without reading, when as many threads
 * spin as there are cores.
 */
export function spinWhile(i32: Int32Array, address: number, expected: number, reads: number): boolean {
  const index = address >> 2;
  if (Atomics.load(i32, index) !== expected) return true;
  if (!takeSpinSlot(i32)) return false;
  let changed = false;
  for (let i = 0; i < reads && !changed; i++) changed = Atomics.load(i32, index) !== expected;
  giveBackSpinSlot(i32);
  return changed;
}

/**
 * Re-reads the cell at `address` up to `reads` times until it holds `wanted`; true when it does.
 * The same one-spinner-per-core rule as {@link spinWhile}.
 */
export function spinUntil(i32: Int32Array, address: number, wanted: number, reads: number): boolean {
  const index = address >> 2;
  if (Atomics.load(i32, index) === wanted) return true;
  if (!takeSpinSlot(i32)) return false;
  let seen = false;
  for (let i = 0; i < reads && !seen; i++) seen = Atomics.load(i32, index) === wanted;
  giveBackSpinSlot(i32);
  return seen;
}

/** A park shorter than this (ms) would have been covered by a full spin, or nearly: spinning pays there. */
const SHORT_PARK_MS = 0.1;

/**
 * A spin budget that follows how the waits of one place end, for an async wait that spins
 * before it parks (an idle pool thread): it spins `maxReads` reads while the waits are short,
 * and half as long after each park that lasted longer than a spin could cover, down to none —
 * so a thread woken for work that comes in bursts spins through the burst, and one woken for
 * work that comes far apart (a job a millisecond) no longer burns a spin before each park.
 * A park that ends soon after it began gives it the whole budget back. One per isolate and place.
 */
export class AdaptiveSpin {
  private reads: number;

  constructor(private readonly maxReads: number) {
    this.reads = maxReads;
  }

  /** {@link spinWhile} with the current budget; true when the cell no longer holds `expected`. */
  spin(i32: Int32Array, address: number, expected: number): boolean {
    if (this.reads === 0) return Atomics.load(i32, address >> 2) !== expected;
    return spinWhile(i32, address, expected, this.reads);
  }

  /** The spin did not see a change and the wait parks now: the time to hand to {@link woke}. */
  parking(): number {
    return performance.now();
  }

  /** The park that began at `since` is over: sets the next budget from how long it lasted. */
  woke(since: number): void {
    this.reads = performance.now() - since < SHORT_PARK_MS ? this.maxReads : this.reads >> 1;
  }
}
