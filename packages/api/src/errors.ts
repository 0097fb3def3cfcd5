/**
 * Error classes named as in Python. Python's RuntimeError is {@link RuntimeError}; ValueError
 * becomes the built-in RangeError/TypeError; messages keep Python's wording.
 */

/** Python's `RuntimeError`: an operation is not valid in the current state (`release unlocked lock`). */
export class RuntimeError extends Error {
  override name = 'RuntimeError';
}

/** Python's `NotImplementedError` (a RuntimeError): an abstract method was called, as `Executor.submit` on the base class. */
export class NotImplementedError extends RuntimeError {
  override name = 'NotImplementedError';
}

/** `queue.Empty`: a non-blocking or timed `get` found the queue empty. */
export class Empty extends Error {
  override name = 'Empty';
}

/** `queue.Full`: a non-blocking or timed `put` found the queue full. */
export class Full extends Error {
  override name = 'Full';
}

/** `queue.ShutDown`: `put`/`get` on a queue that was shut down. */
export class ShutDown extends Error {
  override name = 'ShutDown';
}

/** `threading.BrokenBarrierError`: the barrier was reset or broken while a thread waited. */
export class BrokenBarrierError extends RuntimeError {
  override name = 'BrokenBarrierError';
}

/** `concurrent.futures.CancelledError`: the future was cancelled. */
export class CancelledError extends Error {
  override name = 'CancelledError';
}

/** `concurrent.futures.TimeoutError` (Python's built-in TimeoutError): a wait on a future ran out. */
export class TimeoutError extends Error {
  override name = 'TimeoutError';
}

/** `concurrent.futures.InvalidStateError`: a future's state forbids the operation. */
export class InvalidStateError extends Error {
  override name = 'InvalidStateError';
}

/** `concurrent.futures.BrokenExecutor`: the executor cannot run work any more. */
export class BrokenExecutor extends RuntimeError {
  override name = 'BrokenExecutor';
}

/** `concurrent.futures.thread.BrokenThreadPool`: a pool thread failed to start or died. */
export class BrokenThreadPool extends BrokenExecutor {
  override name = 'BrokenThreadPool';
}

/**
 * threadkit's deadlock watch (`THREADKIT_DEADLOCK=raise` or `setDeadlockMode('raise')`): the
 * wait that would have closed a cycle of threads waiting on each other (Lock, RLock, `join`) throws
 * this instead, in that thread only, so the others go on. Its message describes the cycle.
 */
export class DeadlockError extends RuntimeError {
  override name = 'DeadlockError';
}
