/**
 * The shared heap: one fixed-size shared `WebAssembly.Memory` (initial = maximum, so its
 * SharedArrayBuffer never changes), and the api's typed views over it.
 */
import { heapViews, type Heap } from '@threadkit/api';

const PAGE = 65536;

/** Default heap size: 256 MiB of address space (pages are committed only when touched). Override with THREADKIT_HEAP_MB. */
export function heapBytes(): number {
  const mb = Number((globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.THREADKIT_HEAP_MB ?? 256);
  return Math.min(4095, Math.max(16, Math.floor(Number.isFinite(mb) ? mb : 256))) * 1024 * 1024;
}

/** Creates the process's shared Memory (main thread, once). */
export function createMemory(bytes = heapBytes()): WebAssembly.Memory {
  const pages = Math.ceil(bytes / PAGE);
  return new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
}

/** Builds the typed views of the Memory's buffer. */
export function views(memory: WebAssembly.Memory): Heap {
  return heapViews(memory.buffer as unknown as SharedArrayBuffer);
}
