/**
 * `@threadkit/api`: Python's threading, queue and concurrent.futures for TypeScript, written
 * once over the backend SPI. Import it through a backend package (`@threadkit/backend-workers`),
 * which installs its backend and re-exports everything here: this entry is the user API and
 * nothing else (every name here is also in scope inside self-contained thread targets). The SPI
 * and the helpers for backend authors are `@threadkit/api/spi` and `@threadkit/api/node`.
 */
import * as self from './index';
import { setTaskScope } from './threading/task';

// threading
export { Thread, MainThread, type ThreadOptions } from './threading/thread';
export { currentThread, getIdent } from './threading/current';
export { mainThread } from './threading/runner';
export { enumerate, activeCount, getNativeId } from './threading/enumerate';
export { excepthook, setExcepthook, getExcepthook, defaultExcepthook, type ExceptHookArgs, type Excepthook } from './threading/excepthook';
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
export { ThreadPoolExecutor, type ThreadPoolExecutorOptions, type QueuedFuture } from './futures/thread-pool-executor';
export { taskSignal, type SubmitOptions } from './futures/task-control';
export { type ExecutorStats, type TimeHistogram } from './futures/executor-stats';
export { type ResourceLimits } from './futures/recycling';
export { Executor, type Callable, type ShutdownOptions, type MapOptions } from './futures/executor';

// codec and shared data (helper B edits only this section)
export { encode, decode, registerErrorClass, type ErrorClass } from './codec';
export { Value, type ValueOf } from './shared/value';
export { SharedArray, type TypedArrayOf } from './shared/shared-array';
export { shared } from './shared/registry';
export { type Typecode, type NumberTypecode, type BigIntTypecode } from './shared/typecode';

// memory (beyond Python)
export { heapStats } from './memory';
export { type HeapStats } from './spi';

// diagnostics (beyond Python): thread dump, deadlock detection
export { dumpThreads } from './diagnostics/dump';
export { startTrace, stopTrace, type TraceData, type TraceEvent } from './diagnostics/trace';
export { detectDeadlocks, type Deadlock } from './diagnostics/deadlock';
export { setDeadlockMode, getDeadlockMode, type DeadlockMode } from './diagnostics/deadlock-watch';
export { setDumpStacks } from './diagnostics/wait-state';
export { enableDumpOnSignal } from './diagnostics/dump-signal';

// errors
export * from './errors';

setTaskScope(self as unknown as Record<string, unknown>);
