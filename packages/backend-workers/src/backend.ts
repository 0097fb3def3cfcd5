/**
 * The workers backend's SPI object: the shared heap as a SharedArrayBuffer, parking with
 * `Atomics.wait`/`waitAsync`, the futex core lock, the allocator, and thread hand-off to warm
 * worker_threads. One instance per thread, all over the same buffer.
 */
import { AtomicsNodeBackend } from '@threadkit/api/node';
import {
  createHeapBuffer,
  GrowableHeap,
  heapCapBytes,
  SpawnQueue,
  type HostedBackend,
  type Heap,
  type HeapStats,
  type ParkResult,
} from '@threadkit/api/spi';
import { Allocator } from './allocator';
import { CoreLock } from './core-lock';
import { Parking } from './park';
import { Cell } from './layout';

/** The SPI over SharedArrayBuffer + Atomics. */
export class WorkersBackend extends AtomicsNodeBackend implements HostedBackend {
  readonly name = 'workers';
  readonly canBlock = true;
  readonly heap: Heap;
  private readonly parking: Parking;
  protected readonly core: CoreLock;
  private readonly allocator: Allocator;
  /** Where started threads wait for a warm worker. */
  readonly spawnQueue: SpawnQueue;

  /**
   * @param buffer the process's heap (growable; every thread sees it grow). @param isMain true on the main thread.
   * @param nativeId this OS thread's id. @param onSpawn called before each spawn (the main thread
   * starts its supervisor on the first).
   */
  constructor(
    buffer: SharedArrayBuffer,
    readonly isMain: boolean,
    readonly nativeId: number,
    onSpawn: () => void = () => {},
  ) {
    super(onSpawn);
    this.heap = new GrowableHeap(buffer, Cell.heapLength);
    this.parking = new Parking(this.heap);
    this.core = new CoreLock(this.heap, this.parking);
    this.allocator = new Allocator(this.heap, this.core);
    this.spawnQueue = new SpawnQueue(this, Cell.spawnQueue);
  }

  /**
   * Creates a fresh, formatted heap (main thread, once per process): the api's growable heap
   * buffer, which the allocator grows up to `capBytes`, by default the cap THREADKIT_HEAP_MB sets
   * (an invalid value throws its RangeError here).
   */
  static createHeap(capBytes = heapCapBytes()): SharedArrayBuffer {
    const buffer = createHeapBuffer(capBytes);
    const u32 = new Uint32Array(buffer);
    GrowableHeap.publishLength(buffer, u32, Cell.heapLength);
    Allocator.format(u32);
    return buffer;
  }

  alloc(bytes: number): number {
    return this.allocator.alloc(bytes);
  }

  free(address: number): void {
    this.allocator.free(address);
  }

  heapStats(): HeapStats {
    return this.allocator.stats();
  }

  park(address: number, expected: number, timeoutMs: number): ParkResult {
    return this.parking.park(address, expected, timeoutMs);
  }

  parkAsync(address: number, expected: number, timeoutMs: number, keepAlive = true): Promise<ParkResult> {
    return this.parking.parkAsync(address, expected, timeoutMs, keepAlive);
  }

  unpark(address: number, count: number): number {
    return this.parking.unpark(address, count);
  }
}
