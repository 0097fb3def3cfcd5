/**
 * The JS side's cells in the shared heap, and the heap's size. Bytes [0, 256) are the api's
 * roots; [256, 384) belong to the addon's allocator (`native/allocator.rs`); the spawn queue's
 * cells start at 384 (below 512); blocks start at 512. Byte offsets; every cell is 4 bytes.
 */

/** Where the spawn queue's cells start (SPAWN_QUEUE_BYTES of them; see the api's host/spawn-queue.ts). */
export const SPAWN_QUEUE_BASE = 384;

/** Default heap: 256 MiB of address space (pages are committed when touched); THREADKIT_HEAP_MB overrides. */
export function heapBytes(): number {
  const mb = Number(process.env.THREADKIT_HEAP_MB ?? 256);
  return Math.min(2047, Math.max(16, Math.floor(Number.isFinite(mb) ? mb : 256))) * 1024 * 1024;
}
