/**
 * The WebAssembly side, instantiated in this thread over the shared Memory. The module is
 * compiled once per isolate from the bytes bundled into this file (no path to resolve) and can
 * be handed to new workers already compiled.
 */
import { grownHeapBytes } from '@threadkit/api/spi';
import bytes from '../build/threadkit.wasm';

/** The functions and cells the AssemblyScript module exports (see assembly/). */
export interface WasmPrimitives {
  setCanBlock(flag: number): void;
  parkCell(address: number, expected: number, timeoutMs: number): number;
  unparkCell(address: number, count: number): number;
  lockTry(address: number): number;
  lockTryContended(address: number): number;
  lockAcquire(address: number, timeoutMs: number): number;
  lockRelease(address: number): number;
  lockLocked(address: number): number;
  formatHeap(capBytes: number): void;
  alloc(bytes: number): number;
  free(address: number): number;
  enqueueSpawn(record: number, task: number): number;
  takeSpawn(slot: number): number;
  returningSpawn(slot: number): void;
  prewarm(count: number): void;
  lostSpawn(slot: number): void;
  readonly SPAWN_REQUESTED: WebAssembly.Global;
  readonly PENDING_COUNT: WebAssembly.Global;
  readonly HEAP_LENGTH: WebAssembly.Global;
  readonly HEAP_CAP: WebAssembly.Global;
  readonly HEAP_USED: WebAssembly.Global;
}

let compiled: WebAssembly.Module | undefined;

/** This isolate's compiled module (compiled on first use). */
export function wasmModule(): WebAssembly.Module {
  compiled ??= new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>);
  return compiled;
}

/**
 * Instantiates the module over `memory`; `canBlock` false makes its internal waits spin. It
 * imports a clock and the api's heap growth policy (`grownHeapBytes`, called when it grows).
 */
export function instantiate(memory: WebAssembly.Memory, canBlock: boolean, module: WebAssembly.Module = wasmModule()): WasmPrimitives {
  compiled ??= module;
  const now = (): number => performance.now();
  const instance = new WebAssembly.Instance(module, { env: { memory, now, grownHeapBytes } });
  const exports = instance.exports as unknown as WasmPrimitives;
  exports.setCanBlock(canBlock ? 1 : 0);
  return exports;
}
