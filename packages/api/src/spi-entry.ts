/**
 * `@threadkit/api/spi`: the backend SPI and the helpers for backend authors — the contract a
 * backend implements (`Backend`, see spi.ts), installing it, the thread runtime's hooks, and the
 * pieces every backend would otherwise write again (heap sizing and views, async parking, the
 * core lock's protocol, the spawn queue and the warm-worker loops). Applications never need it:
 * they import a backend package, which exports the user API only. Node hosts also use
 * `@threadkit/api/node`.
 */

// the contract
export { API_ROOT_BYTES, type Backend, type Heap, type HeapStats, type ParkResult, type SpawnRequest } from './spi';
export { installBackend, hasBackend, backend } from './runtime';

// the thread runtime's hooks
export { runThreadTask, finishThreadSlot, initMainThread } from './threading/runner';
export { HANDLE, isShared, type Handle, type SharedObject } from './handle';

// the heap
export { heapViews } from './host/heap-views';
export { GrowableHeap } from './host/growable-heap';
export {
  heapCapBytes,
  initialHeapBytes,
  grownHeapBytes,
  createHeapBuffer,
  growHeapBuffer,
  outOfSharedMemory,
  INITIAL_HEAP_BYTES,
  MIN_HEAP_CAP_MB,
  MAX_HEAP_CAP_MB,
  DEFAULT_HEAP_CAP_MB,
} from './host/heap-size';

// parking and the core lock
export { KeepAlive } from './host/keep-alive';
export { WaitAsyncParking } from './host/wait-async';
export { acquireLockAsync, AtomicsCoreLock, LOCK_UNLOCKED, LOCK_LOCKED, LOCK_CONTENDED, spinOnLock, spinToLock, type LockSteps } from './host/core-lock';
export { spinWhile, THREAD_SPIN_READS, WAIT_SPIN_READS } from './parking/spin';

// threads on warm workers
export { SpawnQueue, SPAWN_QUEUE_BYTES } from './host/spawn-queue';
export {
  runWorkerLoop,
  superviseWorkers,
  workerLost,
  startMainThread,
  SLOT_BYTES,
  type WarmWorkerQueue,
  type HostedBackend,
} from './host/warm-workers';
export { eventLoopTurn } from './host/idle-turn';
export { watchHardStops } from './futures/hard-stop';

// the time histograms of stats() (for executors that keep theirs in a SharedArray)
export { HISTOGRAM_BUCKETS, histogramBucket, histogramMicros, readTimeHistogram } from './futures/time-histogram';

// the codec's error-class registry (for wire codecs that rebuild errors as the registered class)
export { errorClassKey, errorClass } from './codec/error-classes';
