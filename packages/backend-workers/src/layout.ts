/**
 * The workers backend's own cells in the shared heap, right after the api's roots, and the
 * heap's size. Byte offsets; every cell is 4 bytes.
 */
import { API_ROOT_BYTES } from '@threadkit/api';

/** Backend root cells. */
export const Cell = {
  /** Core lock guarding the allocator. */
  allocLock: API_ROOT_BYTES + 0,
  /** Next never-used byte of the heap (bump pointer). */
  allocTop: API_ROOT_BYTES + 4,
  /** The spawn queue's cells (SPAWN_QUEUE_BYTES of them; see the api's host/spawn-queue.ts). */
  spawnQueue: API_ROOT_BYTES + 8,
  /** Live workers (the supervisor's count). */
  workerCount: API_ROOT_BYTES + 40,
  /** Free-list heads, one per power-of-two size class (CLASS_COUNT cells). */
  freeLists: API_ROOT_BYTES + 64,
} as const;

/** Size classes 2^4 … 2^(4+CLASS_COUNT-1) bytes. */
export const CLASS_COUNT = 28;

/** First allocatable byte. */
export const HEAP_START = Cell.freeLists + CLASS_COUNT * 4 + 64;

/** Default heap size: 256 MiB of address space (pages are committed only when touched). Override with THREADKIT_HEAP_MB. */
export function heapBytes(): number {
  const mb = Number(globalThis.process?.env?.THREADKIT_HEAP_MB ?? 256);
  return Math.max(16, Math.floor(Number.isFinite(mb) ? mb : 256)) * 1024 * 1024;
}
