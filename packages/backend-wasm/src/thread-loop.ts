/**
 * A warm worker's life, on any platform: take a thread from the spawn queue (parking in wasm
 * while idle), run it with the api's `runThreadTask`, repeat. The worker's slot block holds the
 * record being run, so whoever watches the worker can finish that thread if the worker dies
 * (`finishThreadSlot`).
 *
 * Slot block (8 bytes, from the supervisor): [record being run, booted flag].
 */
import { eventLoopTurn, finishThreadSlot, runThreadTask } from '@threadkit/api';
import type { WasmBackend } from './backend';

/** Runs threads one after another on this worker, forever. */
export async function runThreads(backend: WasmBackend, slot: number, nativeId: number): Promise<never> {
  for (;;) {
    await eventLoopTurn(); // finalizers run between threads (see the api's host/idle-turn.ts)
    const task = backend.wasm.takeSpawn(slot);
    await runThreadTask(Atomics.load(backend.heap.i32, slot >> 2), task, nativeId);
    finishThreadSlot(slot, false);
  }
}

/** True once the worker with `slot` has taken its first request. */
export function hasBooted(backend: WasmBackend, slot: number): boolean {
  return Atomics.load(backend.heap.i32, (slot + 4) >> 2) !== 0;
}
