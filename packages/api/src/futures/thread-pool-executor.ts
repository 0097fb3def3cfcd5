/**
 * `concurrent.futures.ThreadPoolExecutor` (CPython's `thread.py`): calls run on a pool of
 * threads, each its own isolate, so they run in parallel. The pool's state is a heap block that
 * every pool thread sees (pool-block.ts: the work queue, the idle count, the flags); the threads
 * run the loop in pool-worker.ts. A call is one future block, referenced by the work queue until
 * its thread is done with it and by the submitter's view (pending-futures.ts); shut down with its
 * threads gone, the executor lets go of the pool block.
 */
import { traceNow, tracing } from '../diagnostics/trace';
import { captureOrigin, ORIGIN } from '../threading/call-site';
import { stacksOn } from '../diagnostics/wait-state';
import { BrokenThreadPool, RuntimeError } from '../errors';
import { ROOT, Root } from '../roots';
import { backend, mustBlock } from '../runtime';
import { INSPECT } from '../inspect';
import { loadValue, storeValue } from '../codec';
import { HANDLE, MATERIALIZE, adopt, dropReference, holdReference, registerKind, type Handle } from '../handle';
import type { TaskRef, TaskSpec } from '../threading/task';
import type { Thread } from '../threading/thread';
import { queued } from '../queue/block-queue';
import { addField, casField, loadField, storeField } from '../fields';
import { Future } from './future';
import { dropHandedOff } from './known-views';
import { F, FUTURE_BYTES, PENDING, allocFuture, cancelFuture, nextFutureId, releaseFuture, startOrNotify } from './future-core';
import { BROKEN, Pool, SHUTDOWN, allocPool, poolRefs, statsOf } from './pool-block';
import { flagAndDrain, takeIdle } from './work-queue';
import { TaskSpecs } from './task-specs';
import { poolIndexIn, pushForked } from './fork-join';
import { fulfilWithFuture, pushWaiting, pushWaitingAsync } from './backpressure';
import type { ResourceLimits } from './recycling';
import { parsePoolOptions, type ThreadPoolExecutorOptions } from './pool-options';
import { S, count, readStats, sharedNow, type ExecutorStats } from './executor-stats';
import { traceSubmit, traceThreadCount } from './executor-trace';
import { BROKEN_MESSAGES } from './pool-death';
import './pool-worker';
import { joinPoolThreads, joinPoolThreadsAsync, poolThreadsAlive, startPoolThread } from './pool-threads';
import { signalRunning } from './hard-stop';
import { PendingFutures } from './pending-futures';
import { initControl, parseControl, priorityOf, watchSignal, type SubmitOptions } from './task-control';
import { Executor, type Callable, type ShutdownOptions } from './executor';

export type { ThreadPoolExecutorOptions } from './pool-options';

/**
 * What `submitAsync` resolves to: the Future itself, typed without `then` — a thenable would be
 * awaited through to its result, by `await` and by TypeScript's types alike. It is a `Future` at
 * run time (`instanceof Future`); wait on it with `result()` or `resultAsync()`.
 */
export type QueuedFuture<T> = Omit<Future<T>, 'then'>;

/** A collected executor (CPython's weakref callback): its threads exit once the queue is empty; its futures go to GC. */
const owners = new FinalizationRegistry<{ pool: number; pending: PendingFutures }>(({ pool, pending }) => {
  flagAndDrain(pool, SHUTDOWN, false);
  poolRefs.release(pool);
  pending.release();
});
/** A collected executor received from another thread: its futures go to GC (its reference on the pool goes with `holdReference`). */
const receivedViews = new FinalizationRegistry<PendingFutures>((pending) => pending.release());

/** The handle kind of a `ThreadPoolExecutor`: its pool block. */
const KIND = 'ThreadPoolExecutor';

/** What starts a pool thread, kept in the pool block so that an executor received by another thread can start one too. */
interface PoolConfig {
  readonly prefix: string;
  readonly initializer: TaskSpec | null;
  readonly initargs: unknown[];
  readonly limits: ResourceLimits | null;
}

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
  declare readonly [HANDLE]: Handle;
  /** The most threads this pool starts. */
  declare readonly maxWorkers: number;
  /** The pool block; 0 once this executor let go of it (shut down, threads gone). */
  declare private pool: number;
  /** True for the executor `new` made; false for one received from another thread (a view of the same pool). */
  declare private owner: boolean;
  /** The pool's flags when it was let go. */
  declare private finalFlags: number;
  /** The pool's stats when it was let go. */
  declare private finalStats: ExecutorStats | undefined;
  /** This executor's futures not final when last looked at. */
  declare private pending: PendingFutures;
  declare private config: PoolConfig;
  /** The pool threads this executor (in this thread) started. */
  declare private threads: Thread[];
  /** This executor's interned task specs (task-specs.ts). */
  declare private specs: TaskSpecs;

  /**
   * `new ThreadPoolExecutor(maxWorkers?, threadNamePrefix = '', initializer?, initargs = [])` or
   * `new ThreadPoolExecutor({ maxWorkers, threadNamePrefix, initializer, initargs })`.
   * RangeError('max_workers must be greater than 0') for `maxWorkers <= 0`; a TypeError when
   * `initializer` is not a runnable task or `initargs` cannot be copied.
   *
   * An executor is a shared handle: passed to a thread or to one of its own tasks, it is the same
   * pool there (fork/join: a task may submit to its own pool and wait on those futures; see
   * fork-join.ts). The executor made here owns the pool: collected, it shuts it down.
   */
  constructor(maxWorkers?: number | ThreadPoolExecutorOptions, threadNamePrefix = '', initializer?: Callable, initargs: unknown[] = []) {
    super();
    const options = parsePoolOptions(maxWorkers, threadNamePrefix, initializer, initargs);
    const prefix = options.prefix || `ThreadPoolExecutor-${addField(ROOT, Root.executorCounter, 1)}`;
    const config: PoolConfig = { prefix, initializer: options.initializer, initargs: options.initargs, limits: options.limits };
    const pool = allocPool(options.settings);
    storeField(pool, Pool.config, storeValue(config));
    this.setUp(pool, config, true);
    owners.register(this, { pool, pending: this.pending }, this);
    adopt(this, KIND, pool);
  }

  /** @internal This thread's executor for a pool made in another thread (the handle's reviver). */
  static received(pool: number): ThreadPoolExecutor {
    poolRefs.retain(pool);
    const view = Object.create(ThreadPoolExecutor.prototype) as ThreadPoolExecutor;
    view.setUp(pool, loadValue(loadField(pool, Pool.config)) as PoolConfig, false);
    holdReference(view, KIND, pool);
    receivedViews.register(view, view.pending);
    return view;
  }

  private setUp(pool: number, config: PoolConfig, owner: boolean): void {
    Object.assign(this, {
      maxWorkers: loadField(pool, Pool.maxWorkers),
      pool,
      owner,
      finalFlags: 0,
      finalStats: undefined,
      pending: new PendingFutures(),
      config,
      threads: [],
      specs: new TaskSpecs(pool + Pool.specs),
    });
  }

  /** The handle leaves this thread: the pool must still be there. */
  [MATERIALIZE](): void {
    this.dropPoolIfDone();
    if (this.pool === 0) throw new RuntimeError('cannot send an executor that was shut down and whose threads have ended');
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

  /**
   * {@link submit} for a pool with `maxQueue` (beyond Python): while the queue is full it waits
   * for room without blocking the event loop, then resolves to the Future itself: `const f =
   * await ex.submitAsync(fn)` is the Future, not its result. A Future is thenable, which a promise
   * would adopt, so it is typed here as {@link QueuedFuture} (a Future without `then`): use
   * `f.result()` / `await f.resultAsync()`. Errors as `submit`'s (a rejected promise).
   */
  submitAsync<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): Promise<QueuedFuture<Awaited<R>>>;
  submitAsync(fn: TaskRef, ...args: unknown[]): Promise<QueuedFuture<unknown>>;
  submitAsync(fn: Callable, ...args: unknown[]): Promise<QueuedFuture<unknown>> {
    return new Promise((resolve, reject) => {
      const traced = tracing() ? traceNow() : 0;
      const address = this.prepare(fn, args, undefined);
      void pushWaitingAsync(this.pool, address, 0).then((refused) => {
        try {
          fulfilWithFuture(resolve, this.queued(address, refused, undefined, fn, traced));
        } catch (error) {
          reject(error);
        }
      });
    });
  }

  private enqueue(fn: Callable, args: unknown[], options: SubmitOptions | undefined): Future<unknown> {
    const traced = tracing() ? traceNow() : 0;
    const address = this.prepare(fn, args, options);
    // A plain submit by one of this pool's own threads is a fork: its thread's own deque (fork-join.ts).
    const index = options === undefined ? poolIndexIn(this.pool) : -1;
    const refused = index >= 0 ? pushForked(this.pool, index, address) : pushWaiting(this.pool, address, options === undefined ? 0 : priorityOf(address));
    return this.queued(address, refused, options, fn, traced);
  }

  /** Checks the call and makes its future block (two references: the work queue's and the view's). */
  private prepare(fn: Callable, args: unknown[], options: SubmitOptions | undefined): number {
    dropHandedOff();
    this.checkUsable(this.flags());
    const task = this.specs.specFor(fn);
    const control = options === undefined ? null : parseControl(options);
    const encodedArgs = args.length === 0 ? 0 : storeValue(args, 'args');
    const address = allocFuture(2, nextFutureId(), PENDING, 0, 0, control !== null);
    // Plain writes, as in allocFuture: the push that publishes the block is atomic.
    const heap = backend().heap;
    const at = address >> 2;
    heap.i32[at + (F.task >> 2)] = task;
    heap.i32[at + (F.args >> 2)] = encodedArgs;
    if (control !== null) heap.i32[at + (F.control >> 2)] = initControl(address + FUTURE_BYTES, control);
    heap.i32[at + (F.pool >> 2)] = this.pool;
    heap.f64[(address + F.queuedAt) >> 3] = sharedNow();
    return address;
  }

  /**
   * The future block at `address` was pushed (or `refused` with these flags): its Future, or the
   * error. `traced`: when tracing, the submit's start (µs), for its span and flow arrow.
   */
  private queued(address: number, refused: number, options: SubmitOptions | undefined, fn: Callable, traced: number): Future<unknown> {
    if (refused !== 0) {
      releaseFuture(address);
      releaseFuture(address);
      this.checkUsable(refused);
    }
    count(statsOf(this.pool), S.submitted);
    this.adjustThreadCount();
    const future = Future.fromAddress<unknown>(address, false);
    // Each submit's own stack costs a capture per call: only while stacks are on (THREADKIT_STACKS=1).
    future[ORIGIN] = stacksOn() ? { stack: captureOrigin(), what: 'submitted at' } : this.specs.firstSubmit(loadField(address, F.task));
    if (traced !== 0) traceSubmit(fn, address, traced);
    this.pending.add(future);
    const signal = options?.signal;
    if (signal !== undefined) watchSignal(future, signal, (running) => this.pool !== 0 && signalRunning(this.pool, running));
    return future;
  }

  /**
   * Stops accepting work; safe to call more than once. Queued work still runs unless
   * `cancelFutures` (then queued futures are cancelled; running ones finish). With `wait`
   * (default true), returns once every pool thread has exited. Also takes `{ wait, cancelFutures }`.
   */
  override shutdown(wait: boolean | ShutdownOptions = true, options: ShutdownOptions = {}): void {
    if ((typeof wait === 'object' && wait !== null ? wait.wait ?? true : wait) === true) mustBlock('shutdownAsync()');
    if (this.stop(wait, options)) {
      if (poolIndexIn(this.pool) >= 0) throw new RuntimeError('cannot join current thread');
      joinPoolThreads(this.pool);
    }
    this.dropPoolIfDone();
    this.pending.sweep();
  }

  /** {@link shutdown} that waits without blocking the event loop. */
  override async shutdownAsync(wait: boolean | ShutdownOptions = true, options: ShutdownOptions = {}): Promise<void> {
    if (this.stop(wait, options)) {
      if (poolIndexIn(this.pool) >= 0) throw new RuntimeError('cannot join current thread');
      await joinPoolThreadsAsync(this.pool);
    }
    this.dropPoolIfDone();
    this.pending.sweep();
  }

  /**
   * A snapshot of the pool's counters and time histograms (beyond Python; see ExecutorStats):
   * the task path updates them with atomic adds, never a lock, so reading them costs the pool
   * nothing. Counts are exact once the futures they count are done; `cancelled` counts a future
   * cancelled while queued once the pool lets go of it (a thread reaches it, or shutdown).
   */
  stats(): ExecutorStats {
    this.dropPoolIfDone();
    if (this.pool === 0) return this.finalStats!;
    return readStats(statsOf(this.pool), queued(this.pool), poolThreadsAlive(this.pool));
  }

  /** `<ThreadPoolExecutor prefix threads=n/max>` plus `shutdown`/`broken` when so. */
  override toString(): string {
    const flags = this.flags();
    const state = flags & BROKEN ? ' broken' : flags & SHUTDOWN ? ' shutdown' : '';
    const started = this.pool === 0 ? this.maxWorkers : Math.min(loadField(this.pool, Pool.started), this.maxWorkers);
    return `<ThreadPoolExecutor ${this.config.prefix} threads=${started}/${this.maxWorkers}${state}>`;
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
    // A received executor keeps its reference until it is collected.
    if (pool === 0 || !this.owner || (loadField(pool, Pool.flags) & SHUTDOWN) === 0 || poolThreadsAlive(pool) > 0) return;
    // Each Thread this executor started sees its end (and lets go of its record) now, not at GC.
    for (const thread of this.threads) thread.isAlive();
    this.finalFlags = loadField(pool, Pool.flags);
    this.finalStats = readStats(statsOf(pool), queued(pool), 0);
    this.pool = 0;
    owners.unregister(this);
    // A later receipt of this address (a new pool there) must not find this executor.
    dropReference(this);
    poolRefs.release(pool);
    // Every call has ended: the futures still kept are final.
    this.pending.sweep();
  }

  private checkUsable(flags: number): void {
    if (flags & BROKEN) throw new BrokenThreadPool(BROKEN_MESSAGES[flags & BROKEN]);
    if (flags & SHUTDOWN) throw new RuntimeError('cannot schedule new futures after shutdown');
  }

  /**
   * CPython's `_adjust_thread_count`: reuse an idle thread, else start one if below max. The
   * count of started threads is the pool's, so an executor received by a pool thread (a fork)
   * starts the next one as the owner would.
   */
  private adjustThreadCount(): void {
    const pool = this.pool;
    if (takeIdle(pool)) return;
    let index = loadField(pool, Pool.started);
    for (let seen; index < this.maxWorkers; index = seen) {
      if ((seen = casField(pool, Pool.started, index, index + 1)) === index) break;
    }
    if (index >= this.maxWorkers) return;
    const { prefix, initializer, initargs, limits } = this.config;
    this.threads.push(startPoolThread(pool, index, `${prefix}_${index}`, initializer, initargs, limits));
    if (tracing()) traceThreadCount(prefix, index + 1);
  }

  /** Sets the shutdown flag (cancelling queued work if asked); true when the caller should join. */
  private stop(wait: boolean | ShutdownOptions, options: ShutdownOptions): boolean {
    if (typeof wait === 'object' && wait !== null) ({ wait = true, ...options } = wait);
    if (this.pool === 0) return false;
    const stats = statsOf(this.pool);
    for (const item of flagAndDrain(this.pool, SHUTDOWN, options.cancelFutures === true)) {
      count(stats, S.cancelled);
      cancelFuture(item);
      startOrNotify(item);
      releaseFuture(item);
    }
    return wait;
  }
}

registerKind(KIND, (pool) => ThreadPoolExecutor.received(pool), poolRefs);
