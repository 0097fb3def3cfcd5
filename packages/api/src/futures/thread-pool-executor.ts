/**
 * `concurrent.futures.ThreadPoolExecutor` (CPython's `thread.py`): calls run on a pool of
 * threads, each its own isolate, so they run in parallel. The pool's state is a heap block that
 * every pool thread sees (pool-block.ts: the work queue, the idle count, the flags); the threads
 * run the loop in pool-worker.ts. A call is one future block, referenced by the work queue until
 * its thread is done with it and by the submitter's view (pending-futures.ts); shut down with its
 * threads gone, the executor lets go of the pool block.
 */
import { traceCounter, traceEvent, traceNow, traceSpan, tracing } from '../diagnostics/trace';
import { captureOrigin, ORIGIN, type Origin } from '../threading/call-site';
import { stacksOn } from '../diagnostics/wait-state';
import { storeValue, freeValue } from '../codec';
import { BrokenThreadPool, RuntimeError } from '../errors';
import { ROOT, Root } from '../roots';
import { backend, mustBlock } from '../runtime';
import { INSPECT } from '../inspect';
import { builtinTask, TaskRef, toTaskSpec, type TaskSpec } from '../threading/task';
import { Thread } from '../threading/thread';
import { setCrashHook } from '../threading/thread-record';
import { HANDLE } from '../handle';
import { Future } from './future';
import { dropHandedOff } from './known-views';
import { F, allocFuture, cancelFuture, nextFutureId, releaseFuture, startOrNotify } from './future-core';
import { BROKEN, Pool, SHUTDOWN, allocPool, flagAndDrain, internSpec, poolRefs, pushWork, takeIdle } from './pool-block';
import { BROKEN_MESSAGES, POOL_THREAD_DIED_TASK, POOL_WORKER_TASK } from './pool-worker';
import { PendingFutures } from './pending-futures';
import { allocControl, priorityOf, watchSignal, type SubmitOptions } from './task-control';
import { Executor, type Callable, type ShutdownOptions } from './executor';
import { cpuCount } from '../host/cpu-count';
import { addField, loadField, storeField } from '../fields';

/** Options form of the constructor (the positional form takes them in CPython's order). */
export interface ThreadPoolExecutorOptions {
  /** Most threads the pool starts; default `min(32, cpu count + 4)`. */
  maxWorkers?: number;
  /** Thread names are `${prefix}_${i}`; default `ThreadPoolExecutor-N`. */
  threadNamePrefix?: string;
  /** Runs at the start of each pool thread (a self-contained function or a TaskRef). */
  initializer?: Callable;
  /** Arguments of `initializer`, copied with the codec. */
  initargs?: unknown[];
}

/** A collected executor (CPython's weakref callback): its threads exit once the queue is empty; its futures go to GC. */
const owners = new FinalizationRegistry<{ pool: number; pending: PendingFutures }>(({ pool, pending }) => {
  flagAndDrain(pool, SHUTDOWN, false);
  poolRefs.release(pool);
  pending.release();
});

/**
 * An executor that runs calls on a pool of at most `maxWorkers` threads, started lazily (a new
 * thread only when no thread is idle). Calls are self-contained functions or TaskRefs; arguments
 * and results are copied with the codec (shared objects travel as themselves).
 *
 * Pool threads are daemon threads: an idle pool never keeps the process alive, and a pool whose
 * owner forgets `shutdown()` does not hang exit — but work still queued when the process exits
 * is dropped. Use `using pool = new ThreadPoolExecutor()` (or `await using`) or call `shutdown()`
 * to wait for it. A pool is used from the thread that created it.
 */
export class ThreadPoolExecutor extends Executor {
  /** The most threads this pool starts. */
  readonly maxWorkers: number;
  /** The pool block; 0 once this executor let go of it (shut down, threads gone). */
  private pool: number;
  /** The pool's flags when it was let go. */
  private finalFlags = 0;
  /** This executor's futures not final when last looked at. */
  private readonly pending = new PendingFutures();
  private readonly prefix: string;
  private readonly initializer: TaskSpec | null;
  private readonly initargs: unknown[];
  private readonly threads: Thread[] = [];
  /** Interned task specs, by function source or TaskRef. */
  private readonly specs = new Map<unknown, number>();
  /** The stack of the first `submit` of each interned spec (its "submitted at" unless stacks are on). */
  private readonly firstSubmits = new Map<number, Origin>();

  /**
   * `new ThreadPoolExecutor(maxWorkers?, threadNamePrefix = '', initializer?, initargs = [])` or
   * `new ThreadPoolExecutor({ maxWorkers, threadNamePrefix, initializer, initargs })`.
   * RangeError('max_workers must be greater than 0') for `maxWorkers <= 0`; a TypeError when
   * `initializer` is not a runnable task or `initargs` cannot be copied.
   */
  constructor(maxWorkers?: number | ThreadPoolExecutorOptions, threadNamePrefix = '', initializer?: Callable, initargs: unknown[] = []) {
    super();
    if (typeof maxWorkers === 'object' && maxWorkers !== null) {
      ({ threadNamePrefix = '', initializer, initargs = [] } = maxWorkers);
      maxWorkers = maxWorkers.maxWorkers;
    }
    maxWorkers ??= Math.min(32, cpuCount() + 4);
    if (typeof maxWorkers !== 'number' || !Number.isInteger(maxWorkers)) throw new TypeError('max_workers must be an integer');
    if (maxWorkers <= 0) throw new RangeError('max_workers must be greater than 0');
    this.maxWorkers = maxWorkers;
    if (initializer != null && typeof initializer !== 'function' && !(initializer instanceof TaskRef)) throw new TypeError('initializer must be a callable');
    this.initializer = initializer == null ? null : toTaskSpec(initializer, 'initializer');
    this.initargs = [...initargs];
    freeValue(storeValue(this.initargs));
    this.prefix = threadNamePrefix || `ThreadPoolExecutor-${addField(ROOT, Root.executorCounter, 1)}`;
    this.pool = allocPool(maxWorkers);
    owners.register(this, { pool: this.pool, pending: this.pending }, this);
  }

  /**
   * Schedules `fn(...args)` on a pool thread and returns its Future. `fn` is checked and `args`
   * copied now: a function that is not self-contained or an argument that cannot be copied
   * throws a TypeError here. Throws RuntimeError('cannot schedule new futures after shutdown')
   * after `shutdown()`, BrokenThreadPool when the pool is broken.
   */
  override submit<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Future<Awaited<R>>;
  override submit<A extends unknown[], R>(fn: TaskRef<(...args: A) => R>, ...args: A): Future<Awaited<R>>;
  override submit(fn: Callable, ...args: unknown[]): Future<unknown> {
    return this.enqueue(fn, args, undefined);
  }

  /**
   * {@link submit} with control over the task (beyond Python): `signal` cancels it while queued
   * (CancelledError) and signals it once running; `timeout` (ms from its start) signals it at the
   * deadline; `priority` orders queued tasks (lower first, stable). The running task sees the
   * signal as `taskSignal()`. A TypeError/RangeError for bad options, before anything is queued.
   */
  submitWith<A extends unknown[], R>(options: SubmitOptions, fn: (...args: A) => R, ...args: A): Future<Awaited<R>>;
  submitWith<A extends unknown[], R>(options: SubmitOptions, fn: TaskRef<(...args: A) => R>, ...args: A): Future<Awaited<R>>;
  submitWith(options: SubmitOptions, fn: Callable, ...args: unknown[]): Future<unknown> {
    return this.enqueue(fn, args, options);
  }

  private enqueue(fn: Callable, args: unknown[], options: SubmitOptions | undefined): Future<unknown> {
    const traced = tracing() ? traceNow() : 0;
    dropHandedOff();
    this.checkUsable(this.flags());
    const task = this.specFor(fn);
    const control = options === undefined ? 0 : allocControl(options);
    let encodedArgs: number;
    try {
      encodedArgs = args.length === 0 ? 0 : storeValue(args, 'args');
    } catch (error) {
      if (control !== 0) backend().free(control);
      throw error;
    }
    // Two references: the work queue's and the returned view's.
    const address = allocFuture(2, nextFutureId());
    storeField(address, F.task, task);
    storeField(address, F.args, encodedArgs);
    storeField(address, F.control, control);
    const refused = pushWork(this.pool, address, control === 0 ? 0 : priorityOf(address));
    if (refused !== 0) {
      releaseFuture(address);
      releaseFuture(address);
      this.checkUsable(refused);
    }
    this.adjustThreadCount();
    const future = Future.fromAddress<unknown>(address, false);
    // Each submit's own stack costs a capture per call: only while stacks are on (THREADKIT_STACKS=1).
    future[ORIGIN] = stacksOn() ? { stack: captureOrigin(), what: 'submitted at' } : this.firstSubmits.get(task);
    if (traced !== 0) traceSubmit(fn, address, traced);
    this.pending.add(future);
    const signal = options?.signal;
    if (signal !== undefined) watchSignal(future, signal);
    return future;
  }

  /**
   * Stops accepting work; safe to call more than once. Queued work still runs unless
   * `cancelFutures` (then queued futures are cancelled; running ones finish). With `wait`
   * (default true), returns once every pool thread has exited. Also takes `{ wait, cancelFutures }`.
   */
  override shutdown(wait: boolean | ShutdownOptions = true, options: ShutdownOptions = {}): void {
    if ((typeof wait === 'object' && wait !== null ? wait.wait ?? true : wait) === true) mustBlock('shutdownAsync()');
    if (this.stop(wait, options)) for (const thread of this.threads) thread.join();
    this.dropPoolIfDone();
    this.pending.sweep();
  }

  /** {@link shutdown} that waits without blocking the event loop. */
  override async shutdownAsync(wait: boolean | ShutdownOptions = true, options: ShutdownOptions = {}): Promise<void> {
    if (this.stop(wait, options)) for (const thread of this.threads) await thread.joinAsync();
    this.dropPoolIfDone();
    this.pending.sweep();
  }

  /** `<ThreadPoolExecutor prefix threads=n/max>` plus `shutdown`/`broken` when so. */
  override toString(): string {
    const flags = this.flags();
    const state = flags & BROKEN ? ' broken' : flags & SHUTDOWN ? ' shutdown' : '';
    return `<ThreadPoolExecutor ${this.prefix} threads=${this.threads.length}/${this.maxWorkers}${state}>`;
  }

  /** Node's `util.inspect` shows the repr. */
  [INSPECT](): string {
    return this.toString();
  }

  /** The pool's flags (their last value once the pool was let go); lets go of the pool first if it can. */
  private flags(): number {
    this.dropPoolIfDone();
    return this.pool === 0 ? this.finalFlags : loadField(this.pool, Pool.flags);
  }

  /** Once shut down with every pool thread ended (no flag changes any more), lets go of the pool block. */
  private dropPoolIfDone(): void {
    const pool = this.pool;
    if (pool === 0 || (loadField(pool, Pool.flags) & SHUTDOWN) === 0 || this.threads.some((thread) => thread.isAlive())) return;
    this.finalFlags = loadField(pool, Pool.flags);
    this.pool = 0;
    owners.unregister(this);
    poolRefs.release(pool);
    // Every call has ended: the futures still kept are final.
    this.pending.sweep();
  }

  private checkUsable(flags: number): void {
    if (flags & BROKEN) throw new BrokenThreadPool(BROKEN_MESSAGES[flags & BROKEN]);
    if (flags & SHUTDOWN) throw new RuntimeError('cannot schedule new futures after shutdown');
  }

  /** The interned task spec of `fn`, checked and stored once per function source (a new arrow each time has the same) or TaskRef. */
  private specFor(fn: Callable): number {
    const key = typeof fn === 'function' ? Function.prototype.toString.call(fn) : fn;
    let task = this.specs.get(key);
    if (task === undefined) {
      this.specs.set(key, (task = internSpec(this.pool, storeValue(toTaskSpec(fn, 'submit')))));
      this.firstSubmits.set(task, { stack: captureOrigin(), what: 'first submitted at' });
    }
    return task;
  }

  /** CPython's `_adjust_thread_count`: reuse an idle thread, else start one if below max. */
  private adjustThreadCount(): void {
    const index = this.threads.length;
    if (takeIdle(this.pool) || index >= this.maxWorkers) return;
    const thread = new Thread({
      target: builtinTask(POOL_WORKER_TASK),
      args: [this.pool, index, this.initializer, this.initargs],
      name: `${this.prefix}_${index}`,
      daemon: true,
    });
    setCrashHook(thread[HANDLE].address, builtinTask(POOL_THREAD_DIED_TASK), [this.pool, index]);
    poolRefs.retain(this.pool);
    try {
      thread.start();
    } catch (error) {
      poolRefs.release(this.pool);
      throw error;
    }
    this.threads.push(thread);
    if (tracing()) traceCounter(`${this.prefix} threads`, 'threads', this.threads.length);
  }

  /** Sets the shutdown flag (cancelling queued work if asked); true when the caller should join. */
  private stop(wait: boolean | ShutdownOptions, options: ShutdownOptions): boolean {
    if (typeof wait === 'object' && wait !== null) ({ wait = true, ...options } = wait);
    if (this.pool === 0) return false;
    for (const item of flagAndDrain(this.pool, SHUTDOWN, options.cancelFutures === true)) {
      cancelFuture(item);
      startOrNotify(item);
      releaseFuture(item);
    }
    return wait;
  }
}

/** Trace: a `submit` span on the submitting thread, with the flow arrow to the task's start (the future's id). */
function traceSubmit(fn: Callable, future: number, start: number): void {
  const name = typeof fn === 'function' ? fn.name || 'task' : fn.exportName;
  const id = loadField(future, F.id);
  traceEvent({ name: 'submit', ph: 's', cat: 'flow', id, ts: start });
  traceSpan(`submit ${name}`, 'submit', start, { future: id });
}
