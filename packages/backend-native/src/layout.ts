/**
 * The JS side's cells in the shared heap, and the heap's size. Bytes [0, 256) are the api's
 * roots; [256, 384) belong to the addon's allocator (`native/allocator.rs`); the thread pool's
 * cells below live in [384, 512); blocks start at 512. Byte offsets; every cell is 4 bytes.
 */

/** Thread-pool cells. */
export const Pool = {
  /** Core lock guarding the queue and the counts below. */
  lock: 384,
  /** First queued spawn request (0 = none). */
  head: 388,
  /** Last queued spawn request. */
  tail: 392,
  /** Queued spawn requests. */
  queued: 396,
  /** Idle workers, asleep on {@link Pool.seq}. */
  idle: 400,
  /** Bumped whenever a request is queued; idle workers sleep on it. */
  seq: 404,
  /** Workers asked of the supervisor so far (only grows); the supervisor waits on it. */
  wanted: 408,
  /** Workers asked for that have not yet become idle once. */
  booting: 412,
} as const;

/** Default heap: 256 MiB of address space (pages are committed when touched); THREADKIT_HEAP_MB overrides. */
export function heapBytes(): number {
  const mb = Number(process.env.THREADKIT_HEAP_MB ?? 256);
  return Math.min(2047, Math.max(16, Math.floor(Number.isFinite(mb) ? mb : 256))) * 1024 * 1024;
}
