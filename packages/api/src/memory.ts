/**
 * `heapStats()`: how much of the shared heap is in use — an extension beyond Python, for
 * watching a long-running program's memory (and for the memory tests and benchmarks).
 */
import { backend } from './runtime';
import type { HeapStats } from './spi';

/**
 * The shared heap's bytes in use (allocated blocks, headers included), its current size, and
 * the cap it may grow to (`THREADKIT_HEAP_MB`). Objects that never left their creating thread
 * do not count; see the api README's "Memory" section.
 */
export function heapStats(): HeapStats {
  return backend().heapStats();
}
