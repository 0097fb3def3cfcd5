/**
 * What every Node backend's SPI object has in common once its core lock is the api's
 * `AtomicsCoreLock` and its threads are the host kit's warm workers: the four core-lock methods,
 * `spawn` through the spawn queue, and `writeStderr`. A backend extends this and adds its own
 * substrate: the heap, the allocator, parking (`Atomics.wait` in the workers backend, the addon
 * in the native one).
 */
import type { AtomicsCoreLock } from '../host/core-lock';
import type { SpawnQueue } from '../host/spawn-queue';
import type { SpawnRequest } from '../spi';
import { writeStderr } from './stdio';

/** The shared half of a Node backend whose core lock runs on `Atomics` (see the module comment). */
export abstract class AtomicsNodeBackend {
  /** The core lock over this thread's heap (the subclass creates it in its constructor). */
  protected abstract readonly core: AtomicsCoreLock;
  /** Where started threads wait for a warm worker. */
  abstract readonly spawnQueue: SpawnQueue;

  /** @param beforeSpawn runs before each spawn (the main thread starts its supervisor on the first). */
  constructor(private readonly beforeSpawn: () => void = () => {}) {}

  /** The SPI's `lockAcquire`: the core lock's. */
  lockAcquire(address: number, timeoutMs: number): boolean {
    return this.core.acquire(address, timeoutMs);
  }

  /** The SPI's `lockAcquireAsync`: the core lock's. */
  lockAcquireAsync(address: number, timeoutMs: number): Promise<boolean> {
    return this.core.acquireAsync(address, timeoutMs);
  }

  /** The SPI's `lockRelease`: the core lock's. */
  lockRelease(address: number): boolean {
    return this.core.release(address);
  }

  /** The SPI's `lockLocked`: the core lock's. */
  lockLocked(address: number): boolean {
    return this.core.locked(address);
  }

  /** The SPI's `spawn`: hands the request to a warm worker through the spawn queue. */
  spawn(request: SpawnRequest): void {
    this.beforeSpawn();
    this.spawnQueue.enqueue(request);
  }

  /** The SPI's `writeStderr`: at once, even while other threads block. */
  writeStderr(text: string): void {
    writeStderr(text);
  }
}
