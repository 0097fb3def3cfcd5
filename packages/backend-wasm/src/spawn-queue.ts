/**
 * The spawn queue that lives in WebAssembly (`assembly/spawn-queue.ts`: enqueue, take, prewarm
 * and replacement all run as wasm on the shared Memory), seen as the api's `WarmWorkerQueue`, so
 * the api's worker and supervisor loops drive it.
 */
import type { SpawnRequest, WarmWorkerQueue } from '@threadkit/api/spi';
import type { MemoryHeap } from './heap';
import type { WasmPrimitives } from './instance';

/** The wasm module's spawn queue over one thread's instance. */
export class WasmSpawnQueue implements WarmWorkerQueue {
  /** The SPAWN_REQUESTED cell (a wasm global's value): workers ever asked for. */
  readonly requestedCell: number;

  constructor(
    private readonly wasm: WasmPrimitives,
    private readonly heap: MemoryHeap,
  ) {
    this.requestedCell = wasm.SPAWN_REQUESTED.value as number;
  }

  /** Parks in wasm until a request is queued; the record is in the slot's first cell when it returns. */
  take(slot: number): SpawnRequest {
    const task = this.wasm.takeSpawn(slot);
    return { record: Atomics.load(this.heap.i32, slot >> 2), task };
  }

  /** Asks the supervisor for `count` workers ahead of any request. */
  prewarm(count: number): void {
    this.wasm.prewarm(count);
  }

  /** Asks for a worker to replace one that died before it took work. */
  requestReplacement(): void {
    this.wasm.requestReplacement();
  }
}
