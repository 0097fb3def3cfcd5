/**
 * The core lock: a futex mutex on one 4-byte cell (Drepper's "Futexes Are Tricky", mutex 2):
 * 0 unlocked, 1 locked, 2 locked with waiters. The uncontended acquire is one compare-and-swap;
 * the slow path marks the lock contended and parks (the spin before it is JS's: the api's one
 * spin policy, parking/spin.ts, runs before JS calls lockAcquire); release wakes one waiter only
 * when the cell said 2. Every loop re-reads its state from memory after a park (see park.ts).
 */
import { parkCell, unparkCell } from './park';

const UNLOCKED: i32 = 0;
const LOCKED: i32 = 1;
const CONTENDED: i32 = 2;

/** Reads of one of wasm's own locks (allocator, spawn queue) before {@link lockAcquireInternal} parks. */
const INTERNAL_SPINS: i32 = 100;

@external("env", "now")
declare function now(): f64;

/** One compare-and-swap 0 → 1; 1 when it took the lock. */
export function lockTry(address: u32): i32 {
  return atomic.cmpxchg<i32>(address, UNLOCKED, LOCKED) == UNLOCKED ? 1 : 0;
}

/** Marks the lock contended (exchange with 2); 1 when it was free, so the caller now holds it. */
export function lockTryContended(address: u32): i32 {
  return atomic.xchg<i32>(address, CONTENDED) == UNLOCKED ? 1 : 0;
}

/** Acquires the lock at `address`: `timeoutMs` 0 tries once, Infinity waits forever. 1 = acquired. */
export function lockAcquire(address: u32, timeoutMs: f64): i32 {
  if (atomic.cmpxchg<i32>(address, UNLOCKED, LOCKED) == UNLOCKED) return 1;
  if (timeoutMs == 0) return 0;
  const deadline = now() + timeoutMs;
  while (true) {
    if (atomic.xchg<i32>(address, CONTENDED) == UNLOCKED) return 1;
    const left = deadline - now();
    if (left <= 0) return 0;
    parkCell(address, CONTENDED, left);
  }
}

/**
 * Acquires one of wasm's own locks (the allocator's, the spawn queue's: JS never takes them, so
 * the api's spin does not run for them): spins a bounded number of times while it is held
 * without waiters, then {@link lockAcquire} without a deadline.
 */
export function lockAcquireInternal(address: u32): void {
  for (let i = 0; i < INTERNAL_SPINS; i++) {
    const state = atomic.load<i32>(address);
    if (state == UNLOCKED && atomic.cmpxchg<i32>(address, UNLOCKED, LOCKED) == UNLOCKED) return;
    if (state != LOCKED) break;
  }
  lockAcquire(address, Infinity);
}

/** Releases the lock; 0 (nothing changed) when it was not locked. */
export function lockRelease(address: u32): i32 {
  while (true) {
    const state = atomic.load<i32>(address);
    if (state == UNLOCKED) return 0;
    if (atomic.cmpxchg<i32>(address, state, UNLOCKED) == state) {
      if (state == CONTENDED) unparkCell(address, 1);
      return 1;
    }
  }
}

/** 1 while the lock is held. */
export function lockLocked(address: u32): i32 {
  return atomic.load<i32>(address) != UNLOCKED ? 1 : 0;
}
