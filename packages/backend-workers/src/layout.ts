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
  /** Core lock guarding the spawn queue and the idle count. */
  poolLock: API_ROOT_BYTES + 8,
  /** First pending spawn request (0 = none). */
  pendingHead: API_ROOT_BYTES + 12,
  /** Last pending spawn request. */
  pendingTail: API_ROOT_BYTES + 16,
  /** Pending spawn requests. */
  pendingCount: API_ROOT_BYTES + 20,
  /** Idle workers parked on {@link Cell.workSeq}. */
  idleCount: API_ROOT_BYTES + 24,
  /** Bumped whenever a request is queued; idle workers park on it. */
  workSeq: API_ROOT_BYTES + 28,
  /** Workers ever asked of the supervisor (only grows); it parks on this cell. */
  spawnRequested: API_ROOT_BYTES + 32,
  /** Live workers. */
  workerCount: API_ROOT_BYTES + 36,
  /** Workers asked for that have not yet become idle once. */
  booting: API_ROOT_BYTES + 40,
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
