/**
 * The wasm backend's SPI object: thin JS glue over the AssemblyScript module, whose functions
 * do the work on the shared Memory — compare-and-swap, `memory.atomic.wait32`/`notify`, the
 * futex core lock, the allocator, the spawn queue. One instance per thread, all over the same
 * Memory. Only `parkAsync` is JS (the api's `Atomics.waitAsync` parking: a wasm function cannot
 * return a promise; V8 runs wasm's notify and JS's waitAsync through one futex table, see
 * test/interop.test.ts), and the async lock acquire is the api's loop over wasm's steps.
 */
import {
  acquireLockAsync,
  outOfSharedMemory,
  spinToLock,
  LOCK_UNLOCKED,
  WaitAsyncParking,
  type HeapStats,
  type HostedBackend,
  type LockSteps,
  type ParkResult,
  type SpawnRequest,
} from '@threadkit/api/spi';
import { instantiate, type WasmPrimitives } from './instance';
import { MemoryHeap } from './heap';
import { WasmSpawnQueue } from './spawn-queue';

const RESULTS: readonly ParkResult[] = ['ok', 'not-equal', 'timed-out'];

/** What a thread tells its backend about itself. */
export interface ThreadTraits {
  /** True on the process's (or page's) main thread. */
  readonly isMain: boolean;
  /** False where the thread may not block (a browser's main thread). */
  readonly canBlock: boolean;
  /** The runtime's id of this thread. */
  readonly nativeId: number;
  /** Writes to standard error at once. */
  readonly writeStderr: (text: string) => void;
  /** Called before each spawn (the main thread starts its supervisor lazily). */
  readonly onSpawn?: () => void;
  /** The compiled module, when the parent handed it over. */
  readonly module?: WebAssembly.Module;
}

/** The longest a thread that may not block spins for a lock before it gives up (see `spinAcquire`). */
const NON_BLOCKING_SPIN_MS = 50;

/** Throws the error for a blocking call on a thread that may not block. */
function cannotBlock(): never {
  throw new Error(
    "threadkit: this thread cannot block (a browser's main thread may not wait): use the …Async form of the call (acquireAsync, joinAsync, getAsync, waitAsync, resultAsync…)",
  );
}

/** The SPI over WebAssembly threads. */
export class WasmBackend implements HostedBackend {
  readonly name = 'wasm';
  /** The heap's views, current however much the Memory has grown (see heap.ts). */
  readonly heap: MemoryHeap;
  readonly isMain: boolean;
  readonly canBlock: boolean;
  readonly nativeId: number;
  /** The AssemblyScript module's exports, instantiated over {@link memory}. */
  readonly wasm: WasmPrimitives;
  /** Where started threads wait for a warm worker: the queue in wasm. */
  readonly spawnQueue: WasmSpawnQueue;
  private readonly parking: WaitAsyncParking;
  /** The core lock's steps for the api's async acquire: wasm's compare-and-swaps, and {@link parkAsync}. */
  private readonly lockSteps: LockSteps;

  /** @param memory the process's shared Memory. @param traits what this thread is. */
  constructor(
    readonly memory: WebAssembly.Memory,
    private readonly traits: ThreadTraits,
  ) {
    this.isMain = traits.isMain;
    this.canBlock = traits.canBlock;
    this.nativeId = traits.nativeId;
    this.wasm = instantiate(memory, traits.canBlock, traits.module);
    this.heap = new MemoryHeap(memory, this.cell('HEAP_LENGTH'));
    this.parking = new WaitAsyncParking(this.heap);
    this.spawnQueue = new WasmSpawnQueue(this.wasm, this.heap);
    this.lockSteps = {
      tryLock: (address) => this.wasm.lockTry(address) === 1,
      lockContended: (address) => this.wasm.lockTryContended(address) === 1,
      parkAsync: (address, expected, timeoutMs, keepAlive) => this.parking.parkAsync(address, expected, timeoutMs, keepAlive),
    };
  }

  alloc(bytes: number): number {
    const address = this.wasm.alloc(bytes >= 0 && bytes <= 2 ** 30 ? bytes : 2 ** 31);
    if (address > 0) return address;
    if (address < 0 || !(bytes >= 0)) throw new RangeError(`cannot allocate ${bytes} bytes of shared memory`);
    throw this.outOfMemory();
  }

  free(address: number): void {
    // Anything but an address the Memory can hold would wrap when passed to wasm as an i32.
    if (!(Number.isInteger(address) && address >= 0 && address < 2 ** 31) || this.wasm.free(address) === 0) {
      throw new RangeError(`threadkit: free of an address that is not an allocated block (${address})`);
    }
  }

  heapStats(): HeapStats {
    return {
      usedBytes: this.heap.firstPageCell(this.cell('HEAP_USED')),
      sizeBytes: this.heap.firstPageCell(this.cell('HEAP_LENGTH')),
      capBytes: this.heap.firstPageCell(this.cell('HEAP_CAP')),
    };
  }

  park(address: number, expected: number, timeoutMs: number): ParkResult {
    if (!this.canBlock) cannotBlock();
    return RESULTS[this.wasm.parkCell(address, expected, timeoutMs)]!;
  }

  parkAsync(address: number, expected: number, timeoutMs: number, keepAlive = true): Promise<ParkResult> {
    return this.parking.parkAsync(address, expected, timeoutMs, keepAlive);
  }

  unpark(address: number, count: number): number {
    return this.wasm.unparkCell(address, count === Infinity || count > 0x7fffffff ? -1 : count);
  }

  lockAcquire(address: number, timeoutMs: number): boolean {
    if (this.wasm.lockTry(address) === 1) return true;
    if (timeoutMs === 0) return false;
    if (!this.canBlock) return this.spinAcquire(address, timeoutMs);
    if (spinToLock(this.heap.i32, address, this.lockSteps.tryLock)) return true;
    return this.wasm.lockAcquire(address, timeoutMs) === 1;
  }

  /**
   * A lock taken on a thread that may not block (a browser's main thread). The api's own short
   * critical sections get here (a queue's or a future's lock, a parking-lot bucket, the
   * excepthook's) — every user-facing blocking call refuses up front (`mustBlock`) — so the thread
   * spins while the holder, inside a few instructions, lets go: failing at once made any such race
   * an error on the page (a main-thread setExcepthook while a thread read the hook). A lock still
   * held after {@link NON_BLOCKING_SPIN_MS} is not one of those (the caller may hold it itself):
   * that throws as any blocking call here does; a shorter timeout just runs out.
   */
  private spinAcquire(address: number, timeoutMs: number): boolean {
    const deadline = performance.now() + Math.min(timeoutMs, NON_BLOCKING_SPIN_MS);
    for (let spins = 1; ; spins++) {
      if (Atomics.load(this.heap.i32, address >> 2) === LOCK_UNLOCKED && this.wasm.lockTry(address) === 1) return true;
      if ((spins & 1023) === 0 && performance.now() >= deadline) {
        if (timeoutMs <= NON_BLOCKING_SPIN_MS) return false;
        cannotBlock();
      }
    }
  }

  lockAcquireAsync(address: number, timeoutMs: number): Promise<boolean> {
    return acquireLockAsync(this.lockSteps, address, timeoutMs);
  }

  lockRelease(address: number): boolean {
    return this.wasm.lockRelease(address) === 1;
  }

  lockLocked(address: number): boolean {
    return this.wasm.lockLocked(address) === 1;
  }

  spawn(request: SpawnRequest): void {
    this.traits.onSpawn?.();
    if (this.wasm.enqueueSpawn(request.record, request.task) === 0) throw this.outOfMemory();
  }

  writeStderr(text: string): void {
    this.traits.writeStderr(text);
  }

  /** The byte offset of one of the module's cells (exported as a wasm global). */
  private cell(name: 'HEAP_LENGTH' | 'HEAP_CAP' | 'HEAP_USED'): number {
    return this.wasm[name].value as number;
  }

  private outOfMemory(): RangeError {
    return outOfSharedMemory(this.heap.firstPageCell(this.cell('HEAP_CAP')));
  }
}
