/**
 * The core lock's protocol, shared by every backend: a futex mutex on one 4-byte cell, after
 * Rust std's `sys/sync/mutex/futex.rs` and Drepper's "Futexes Are Tricky" (mutex 2) — 0 unlocked,
 * 1 locked, 2 locked with waiters. A backend runs the steps in its own substrate (JS Atomics,
 * WebAssembly, a native addon); what is the same everywhere is written once here: the async
 * acquire ({@link acquireLockAsync}) and, for backends whose cells JS handles with `Atomics`, the
 * fast paths and the release ({@link AtomicsCoreLock}).
 */
import type { Backend, Heap, ParkResult } from '../spi';
import { LOCK_SPIN_READS, LOCK_SPIN_ROUNDS, spinUntil } from '../parking/spin';

/** Cell value of an unlocked core lock (zeroed memory is an unlocked lock). */
export const LOCK_UNLOCKED = 0;
/** Cell value of a core lock held with no waiter. */
export const LOCK_LOCKED = 1;
/** Cell value of a core lock held with (possibly) waiters: its release wakes one. */
export const LOCK_CONTENDED = 2;

/** The steps of an acquire on one core-lock cell, as the backend runs them. */
export interface LockSteps {
  /** Takes the lock if it is unlocked (0 → 1); true when this call took it. */
  tryLock(address: number): boolean;
  /** Marks the lock contended (→ 2) whatever its state; true when it was unlocked, so the caller now holds it. */
  lockContended(address: number): boolean;
  /** {@link Backend.parkAsync} on the lock's cell. */
  parkAsync(address: number, expected: number, timeoutMs: number, keepAlive?: boolean): Promise<ParkResult>;
}

/**
 * {@link Backend.lockAcquireAsync}: one try, then (unless `timeoutMs` is 0) mark the lock
 * contended and park asynchronously while it stays so, until it is ours or the deadline passes.
 * Never blocks the event loop; never spins (a spin would hold it).
 */
export async function acquireLockAsync(steps: LockSteps, address: number, timeoutMs: number): Promise<boolean> {
  if (steps.tryLock(address)) return true;
  if (timeoutMs === 0) return false;
  const end = timeoutMs === Infinity ? Infinity : performance.now() + timeoutMs;
  for (;;) {
    // Mark the lock contended; if it was free we now hold it (as "contended": a spurious wake is harmless).
    if (steps.lockContended(address)) return true;
    const left = end === Infinity ? Infinity : end - performance.now();
    if (left <= 0) return false;
    await steps.parkAsync(address, LOCK_CONTENDED, left, true);
  }
}

/**
 * The spin of a contended sync acquire, by the library's one spin policy (parking/spin.ts):
 * re-reads the cell of a held lock up to {@link LOCK_SPIN_READS} times until it reads unlocked;
 * true when it did (worth one more try). It spins on a lock marked contended too: a lock stays
 * marked while anyone is parked on it, and a holder's release is still a few hundred ns away,
 * where parking costs a futex wait and a wake. A backend whose contended acquire runs in its substrate
 * calls this first, and the substrate does not spin again.
 */
export function spinOnLock(i32: Int32Array, address: number): boolean {
  return spinUntil(i32, address, LOCK_UNLOCKED, LOCK_SPIN_READS);
}

/**
 * The spin-then-try of a contended sync acquire: up to {@link LOCK_SPIN_ROUNDS} times, spin
 * ({@link spinOnLock}) until the lock reads free and try it once with `tryLock`. True when a try
 * took it; false when a spin ran out (the lock stays held) or every try lost its race — the
 * caller then parks.
 */
export function spinToLock(i32: Int32Array, address: number, tryLock: (address: number) => boolean): boolean {
  for (let round = 0; round < LOCK_SPIN_ROUNDS; round++) {
    if (!spinOnLock(i32, address)) return false;
    if (tryLock(address)) return true;
  }
  return false;
}

/**
 * Core locks on the cells of one heap whose uncontended paths JS runs with `Atomics` (its views
 * read at each use: they change when the heap grows). The uncontended acquire and the release
 * are one atomic operation each on the calling thread, and so is the spin of a contended sync
 * acquire (a held lock is usually released within a few hundred ns: no crossing into wasm or
 * native code for that); only what follows — marking the lock contended and parking — is the
 * backend's: {@link AtomicsCoreLock.acquireContended}.
 */
export abstract class AtomicsCoreLock implements LockSteps {
  /** @param heap the heap the cells are in. @param waits the backend's async park and its wake. */
  constructor(
    protected readonly heap: Heap,
    private readonly waits: Pick<Backend, 'parkAsync' | 'unpark'>,
  ) {}

  /** Acquires the lock at `address`; `timeoutMs` 0 tries once, Infinity waits forever. */
  acquire(address: number, timeoutMs: number): boolean {
    if (this.tryLock(address)) return true;
    if (timeoutMs === 0) return false;
    if (spinToLock(this.heap.i32, address, this.tryLockBound)) return true;
    return this.acquireContended(address, timeoutMs);
  }

  /** {@link acquire} without blocking the event loop. */
  acquireAsync(address: number, timeoutMs: number): Promise<boolean> {
    return acquireLockAsync(this, address, timeoutMs);
  }

  /**
   * Releases the lock; false when it was not locked. One exchange: writing 0 over 0 changes
   * nothing, so an unlocked lock stays as it was. Wakes one waiter when the cell said contended.
   */
  release(address: number): boolean {
    const state = Atomics.exchange(this.heap.i32, address >> 2, LOCK_UNLOCKED);
    if (state === LOCK_CONTENDED) this.waits.unpark(address, 1);
    return state !== LOCK_UNLOCKED;
  }

  /** True while the lock is held. */
  locked(address: number): boolean {
    return Atomics.load(this.heap.i32, address >> 2) !== LOCK_UNLOCKED;
  }

  /** {@link tryLock} bound to this, for {@link spinToLock}. */
  private readonly tryLockBound = (address: number): boolean => this.tryLock(address);

  /** {@link LockSteps.tryLock}: 0 → 1. */
  tryLock(address: number): boolean {
    return Atomics.compareExchange(this.heap.i32, address >> 2, LOCK_UNLOCKED, LOCK_LOCKED) === LOCK_UNLOCKED;
  }

  /** {@link LockSteps.lockContended}: → 2, true when it was 0. */
  lockContended(address: number): boolean {
    return Atomics.exchange(this.heap.i32, address >> 2, LOCK_CONTENDED) === LOCK_UNLOCKED;
  }

  /** {@link LockSteps.parkAsync}: the backend's. */
  parkAsync(address: number, expected: number, timeoutMs: number, keepAlive = true): Promise<ParkResult> {
    return this.waits.parkAsync(address, expected, timeoutMs, keepAlive);
  }

  /**
   * The contended sync acquire, after the tries and the spin failed and `timeoutMs` is not 0:
   * park until the lock is ours (true) or `timeoutMs` passes (false). Marks the cell
   * {@link LOCK_CONTENDED} before each park, so the release wakes it.
   */
  protected abstract acquireContended(address: number, timeoutMs: number): boolean;
}
