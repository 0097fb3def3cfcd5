/**
 * `@threadkit/api`: Python's threading, queue and concurrent.futures for TypeScript, written
 * once over the backend SPI. Import it through a backend package (`@threadkit/backend-workers`),
 * which installs its backend and re-exports everything here.
 */
import * as self from './index';
import { setTaskScope } from './threading/task';

// threading
export { Thread, MainThread, type ThreadOptions } from './threading/thread';
export { currentThread, getIdent } from './threading/current';
export { mainThread } from './threading/runner';
export { enumerate, activeCount, getNativeId } from './threading/enumerate';
export { excepthook, setExcepthook, defaultExcepthook, type ExceptHookArgs } from './threading/excepthook';
export { local, type Local } from './threading/local';
export { sleep, sleepAsync } from './threading/sleep';
export { task, TaskRef, type TaskSpec } from './threading/task';
export { TIMEOUT_MAX } from './timeout';

export { Timer } from './threading/timer';

// sync primitives (helper C edits only this section)
export { Lock } from './sync/lock';
export { RLock } from './sync/rlock';
export { Condition } from './sync/condition';
export { Semaphore, BoundedSemaphore } from './sync/semaphore';
export { Event } from './sync/event';
export { Barrier } from './sync/barrier';
export { Guard, type Releasable } from './sync/guard';

// queues (helper D edits only this section)
export { Queue, LifoQueue, PriorityQueue } from './queue/queue';
export { SimpleQueue } from './queue/simple-queue';

// futures (helper E edits only this section)
export { Future, type DoneCallback } from './futures/future';
export {
  wait,
  waitAsync,
  FIRST_COMPLETED,
  FIRST_EXCEPTION,
  ALL_COMPLETED,
  type ReturnWhen,
  type WaitOptions,
  type DoneAndNotDoneFutures,
} from './futures/wait';
export { asCompleted, AsCompletedIterator } from './futures/as-completed';
export {
  ThreadPoolExecutor,
  type ThreadPoolExecutorOptions,
  type ShutdownOptions,
  type Callable,
} from './futures/thread-pool-executor';
export { type MapOptions } from './futures/executor-map';

// codec and shared data (helper B edits only this section)
export { encode, decode, registerErrorClass, type ErrorClass } from './codec';
export { Value, type ValueOf } from './shared/value';
export { SharedArray } from './shared/shared-array';
export { shared } from './shared/registry';
export { type Typecode, type NumberTypecode, type BigIntTypecode } from './shared/typecode';

// memory (beyond Python)
export { heapStats } from './memory';

// errors
export * from './errors';

// the backend SPI, for backend packages
export { API_ROOT_BYTES, type Backend, type Heap, type HeapStats, type ParkResult, type SpawnRequest } from './spi';
export { installBackend, hasBackend } from './runtime';
export { runThreadTask, finishThreadSlot, initMainThread } from './threading/runner';
export { HANDLE, isShared, type Handle, type SharedObject } from './handle';
export { heapViews } from './host/heap-views';
export { GrowableHeap } from './host/growable-heap';
export {
  heapCapBytes,
  initialHeapBytes,
  grownHeapBytes,
  outOfSharedMemory,
  INITIAL_HEAP_BYTES,
  MIN_HEAP_CAP_MB,
  MAX_HEAP_CAP_MB,
  DEFAULT_HEAP_CAP_MB,
} from './host/heap-size';
export { KeepAlive } from './host/keep-alive';
export { eventLoopTurn } from './host/idle-turn';
export { SpawnQueue, SPAWN_QUEUE_BYTES } from './host/spawn-queue';

setTaskScope(self as unknown as Record<string, unknown>);
