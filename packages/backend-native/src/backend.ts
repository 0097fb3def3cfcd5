/**
 * The native backend's SPI object: the shared heap is a SharedArrayBuffer whose memory the
 * addon reads directly; parking, async waits, the contended core lock and the allocator run in
 * the addon; threads are worker_threads fed through the heap. One instance per thread.
 */
import { AtomicsNodeBackend } from '@threadkit/api/node';
import {
  GrowableHeap,
  growHeapBuffer,
  SpawnQueue,
  type HostedBackend,
  type Heap,
  type HeapStats,
  type ParkResult,
} from '@threadkit/api/spi';
import { addon } from './addon';
import { CoreLock } from './core-lock';
import { HEAP_LENGTH_CELL, SPAWN_QUEUE_BASE } from './layout';

/** The SPI over the native addon. */
export class NativeBackend extends AtomicsNodeBackend implements HostedBackend {
  readonly name = 'native';
  readonly canBlock = true;
  readonly heap: Heap;
  readonly nativeId: number;
  protected readonly core: CoreLock;
  /**
   * A length-tracking view of the buffer, only ever handed to the addon: from it the addon reads
   * the buffer's current length (and publishes it) when it allocates after a growth. JS code
   * reads the faster fixed-length views of {@link heap}.
   */
  private readonly tracking: Int32Array;
  /** Where started threads wait for a warm worker. */
  readonly spawnQueue: SpawnQueue;

  /**
   * Attaches this thread to `buffer`, the process's heap (the api's `createHeapBuffer`: a growable
   * SharedArrayBuffer whose maximum V8 reserves up front, so its bytes never move while the addon
   * keeps pointers into it). `isMain` is true on
   * the main thread, which formats the fresh heap; `beforeSpawn` runs before each spawn (the
   * main thread uses it to start the supervisor).
   */
  constructor(
    buffer: SharedArrayBuffer,
    readonly isMain: boolean,
    beforeSpawn: () => void = () => {},
  ) {
    super(beforeSpawn);
    this.heap = new GrowableHeap(buffer, HEAP_LENGTH_CELL);
    this.tracking = new Int32Array(buffer);
    addon.attach(this.tracking);
    if (isMain) addon.format();
    this.nativeId = addon.threadId();
    this.core = new CoreLock(this.heap);
    this.spawnQueue = new SpawnQueue(this, SPAWN_QUEUE_BASE);
  }

  /**
   * Only JS can grow the buffer, so when nothing fits the addon's `alloc` changes nothing and
   * answers the length it needs; this grows the buffer (throwing `outOfSharedMemory` past the
   * cap) and asks again, and the addon then publishes the new length (see `native/heap.rs`).
   */
  alloc(bytes: number): number {
    for (;;) {
      const address = addon.alloc(bytes, this.tracking);
      if (address > 0) return address;
      growHeapBuffer(this.heap.buffer, -address);
    }
  }

  free(address: number): void {
    addon.free(address);
  }

  heapStats(): HeapStats {
    const buffer = this.heap.buffer;
    return { usedBytes: addon.heapUsed(), sizeBytes: buffer.byteLength, capBytes: buffer.maxByteLength };
  }

  park(address: number, expected: number, timeoutMs: number): ParkResult {
    return addon.park(address, expected, timeoutMs);
  }

  parkAsync(address: number, expected: number, timeoutMs: number, keepAlive = true): Promise<ParkResult> {
    return addon.parkAsync(address, expected, timeoutMs, keepAlive);
  }

  unpark(address: number, count: number): number {
    return addon.unpark(address, count);
  }

  watchSignal(signum: number, address: number): boolean {
    return addon.watchSignal(signum, address) === 1;
  }

  unwatchSignal(signum: number): void {
    addon.unwatchSignal(signum);
  }
}
