/**
 * The spawn queue that lives in WebAssembly (`assembly/spawn-queue.ts`: enqueue, take, prewarm
 * and replacement all run as wasm on the shared Memory), seen as the api's `WarmWorkerQueue`, so
 * the api's worker and supervisor loops drive it.
 */
import { spinWhile, THREAD_SPIN_READS, type SpawnRequest, type WarmWorkerQueue } from '@threadkit/api/spi';
import type { MemoryHeap } from './heap';
import type { WasmPrimitives } from './instance';

/** The wasm module's spawn queue over one thread's instance. */
export class WasmSpawnQueue implements WarmWorkerQueue {
  /** The SPAWN_REQUESTED cell (a wasm global's value): workers ever asked for. */
  readonly requestedCell: number;
  /** The PENDING_COUNT cell: requests queued and not taken. */
  private readonly pendingCell: number;

  constructor(
    private readonly wasm: WasmPrimitives,
    private readonly heap: MemoryHeap,
  ) {
    this.requestedCell = wasm.SPAWN_REQUESTED.value as number;
    this.pendingCell = wasm.PENDING_COUNT.value as number;
  }

  /**
   * Parks in wasm until a request is queued; the record is in the slot's first cell when it
   * returns. First the api's spin policy re-reads the pending count a while (wasm does not spin),
   * so a start that comes soon after — the next of a start/join loop — costs neither side a
   * system call.
   */
  take(slot: number): SpawnRequest {
    spinWhile(this.heap.i32, this.pendingCell, 0, THREAD_SPIN_READS);
    const task = this.wasm.takeSpawn(slot);
    return { record: Atomics.load(this.heap.i32, slot >> 2), task };
  }

  /** The worker with slot block `slot` is done with its thread and takes the next one at once. */
  returning(slot: number): void {
    this.wasm.returningSpawn(slot);
  }

  /** Asks the supervisor for `count` workers ahead of any request. */
  prewarm(count: number): void {
    this.wasm.prewarm(count);
  }

  /** The worker with slot block `slot` died: replaced if it had not taken work yet or was returning. */
  lost(slot: number): void {
    this.wasm.lostSpawn(slot);
  }
}
