/**
 * The backend SPI: the seam between `@threadkit/api` and a runtime backend — this project's
 * `_thread`. Everything above it (Condition, Semaphore, Event, Barrier, queues, futures, the
 * executor, Thread bookkeeping) is written once in the api over these few operations, so three
 * substrates (JS Atomics, WebAssembly, a native addon) can implement them faithfully.
 *
 * Memory model: one shared heap per process, seen by every thread through the same views.
 * Addresses are byte offsets into the heap; a "cell" is a 32-bit word addressed by its byte
 * offset (4-aligned). The api never calls `Atomics.wait`/`notify` itself: every park and wake
 * goes through {@link Backend.park}/{@link Backend.unpark}, so a backend whose parking lives in
 * native code (where a futex wake does not wake `Atomics.wait`) stays consistent. The api may
 * use plain `Atomics` load/store/add/compareExchange on the views.
 */

/** How a park ended: woken by {@link Backend.unpark}, the cell did not hold the expected value, or the timeout passed. */
export type ParkResult = 'ok' | 'not-equal' | 'timed-out';

/**
 * Views over the one shared heap. All views alias the same bytes; offsets are in bytes. The heap
 * grows while the program runs (see `host/heap-size.ts`), and a backend may replace the views
 * when it does: read them from `backend().heap` where they are used, after any `alloc`, and never
 * keep a typed array across an allocation. Keeping the `Heap` object itself is fine.
 */
export interface Heap {
  /** The shared buffer behind the views. */
  readonly buffer: SharedArrayBuffer;
  readonly u8: Uint8Array;
  readonly i32: Int32Array;
  readonly u32: Uint32Array;
  readonly f64: Float64Array;
  readonly i64: BigInt64Array;
}

/**
 * Bytes [0, API_ROOT_BYTES) of the heap belong to the api (its process-wide roots: the thread
 * table, the shared-object registry, counters). A backend must zero them at creation and never
 * allocate them.
 */
export const API_ROOT_BYTES = 256;

/** How much of the shared heap is in use (see {@link Backend.heapStats}). */
export interface HeapStats {
  /** Bytes in allocated blocks, their headers included. */
  readonly usedBytes: number;
  /** The heap's current size in bytes (it grows on demand). */
  readonly sizeBytes: number;
  /** The size it may grow to: `THREADKIT_HEAP_MB` MiB (see `host/heap-size.ts`). */
  readonly capBytes: number;
}

/** What a backend hands a new thread to run: the thread's record address and its task bytes. */
export interface SpawnRequest {
  /** Address of the thread's record block (see `thread-record.ts`). */
  readonly record: number;
  /** Address of the encoded task (a heap block the runner frees after decoding). */
  readonly task: number;
}

/**
 * The backend contract. One instance per thread (each worker attaches its own instance to the
 * same shared heap). Timeouts are milliseconds; `Infinity` means forever. Validation of user
 * input (NaN, negative, too large) is done by the api before it reaches the SPI.
 */
export interface Backend {
  /** Short name: `workers`, `wasm`, `native`. */
  readonly name: string;
  /** The shared heap. */
  readonly heap: Heap;
  /** True when this thread may block (false on a browser's main thread). */
  readonly canBlock: boolean;

  /**
   * Allocates `bytes` (rounded up to 8) of zeroed shared memory; returns its address, a nonzero
   * multiple of 8 (the codec's immediate words, `codec/immediate.ts`, are the other words). Grows the
   * heap when no free block fits; throws `outOfSharedMemory(cap)` (host/heap-size.ts) when the
   * heap would pass its cap, leaving everything else as it was.
   */
  alloc(bytes: number): number;
  /**
   * Returns a block from {@link alloc} to the allocator, merged with free neighbours. Freeing
   * anything but a live block (twice, or a foreign address) throws
   * `RangeError('threadkit: free of an address that is not an allocated block (…)')`, decided
   * atomically, so two racing frees of one block give one success and one error.
   */
  free(address: number): void;
  /** What the heap holds now. */
  heapStats(): HeapStats;

  /**
   * Sleeps while the cell at `address` holds `expected`, until woken or `timeoutMs` passes.
   * May return early ('ok') at any time — callers re-check their condition — and must return
   * when the process is exiting: a backend that sleeps outside V8 (a futex in native code) wakes
   * its sleepers at exit, or Node's exit, which joins every worker, would hang.
   */
  park(address: number, expected: number, timeoutMs: number): ParkResult;
  /** {@link park} without blocking the event loop. While pending it keeps the process alive unless `keepAlive` is false. */
  parkAsync(address: number, expected: number, timeoutMs: number, keepAlive?: boolean): Promise<ParkResult>;
  /** Wakes up to `count` parked waiters (sync and async) of the cell; returns how many woke. */
  unpark(address: number, count: number): number;

  /**
   * Core lock: a 4-byte cell at `address`, 0 = unlocked (zeroed memory is an unlocked lock).
   * The uncontended path stays on the calling thread; the contended path spins briefly, then
   * parks. Acquires the lock at `address`: `timeoutMs` 0 tries once, `Infinity` waits forever.
   */
  lockAcquire(address: number, timeoutMs: number): boolean;
  /** {@link lockAcquire} as a promise that never blocks the event loop. */
  lockAcquireAsync(address: number, timeoutMs: number): Promise<boolean>;
  /** Releases the lock; returns false (and changes nothing) when it was not locked. */
  lockRelease(address: number): boolean;
  /** True when the lock is held. */
  lockLocked(address: number): boolean;

  /** True on the process's main thread (the one that imported the backend first). */
  readonly isMain: boolean;
  /** The id the runtime gives this OS thread (the OS thread id where the backend can know it). */
  readonly nativeId: number;

  /**
   * Starts a thread that runs `request.task` with record `request.record`. Must not depend on
   * any other thread's event loop: a warm worker takes it through shared memory, and a new
   * worker is started when none is idle. The backend's worker runs the task with
   * `runThreadTask` from the api and, whatever happens (return, throw, `process.exit`, a
   * crash), marks the record finished and wakes its joiners.
   */
  spawn(request: SpawnRequest): void;

  /** Writes text to the process's standard error at once (even while other threads block). */
  writeStderr(text: string): void;

  /**
   * Optional: hears OS signal `signum` off every JS thread — from now on each delivery adds one
   * to the cell at `address` and wakes its waiters (even while every JS thread blocks). Returns
   * false where the platform cannot. The thread dump on a signal uses it first.
   */
  watchSignal?(signum: number, address: number): boolean;
  /** Optional: stops {@link watchSignal} for `signum` (the handler from before comes back). */
  unwatchSignal?(signum: number): void;
}
