/**
 * `DistributedExecutor`: `ThreadPoolExecutor`'s API whose tasks run on `threadkit-worker`
 * processes on any number of machines, carried by BullMQ on Redis.
 *
 * The Redis side (BullMQ's Queue and QueueEvents, the cancel channel) lives on a dedicated I/O
 * thread of the executor (client-thread.ts): `submit` hands the request over a shared queue and
 * returns an ordinary threadkit `Future`, which the I/O thread completes through shared memory.
 * So the futures behave as local ones everywhere — `wait`, `asCompleted`, `addDoneCallback`,
 * `await` — and the sync forms (`result()`, `map`, `shutdown(true)`) may block the calling thread
 * without starving the Redis client that completes them.
 */
import { BrokenExecutor, Executor, Future, RuntimeError, SharedArray, SimpleQueue, TaskRef, Thread, task } from '@threadkit/api';
import type { Callable, ShutdownOptions } from '@threadkit/api';
import { hasBackend } from '@threadkit/api/spi';
import { randomUUID } from 'node:crypto';
import type { Connection } from './connection';
import { describeConnection, redisOptions } from './connection';
import type { ClientConfig, ClientRequest } from './client-config';
import type { JobData } from './protocol';
import { S, STATS_LENGTH, type DistributedStats } from './stats';
import { toWire } from './wire-codec';
import { allocHistograms, readHistogram, RUN_TIME, WAIT_TIME } from './time-histograms';
import { checkOptions, type Backoff, type DistributedSubmitOptions } from './options';

/** Options of `new DistributedExecutor(...)`. */
export interface DistributedExecutorOptions {
  /** Redis: a `redis://host:port/db` URL or plain ioredis options. */
  connection: Connection;
  /** The BullMQ queue's name; workers started with `--queue NAME` run its jobs. */
  queue: string;
  /** Tries per task, counting the first (BullMQ's `attempts`); default 1 (no retry). */
  attempts?: number;
  /** Delay between tries: ms (fixed) or BullMQ's `{ type: 'fixed' | 'exponential', delay }`. */
  backoff?: Backoff;
  /** At most this many of this executor's jobs in Redis at once; the rest wait here. Default 1000. */
  maxInFlight?: number;
  /** BullMQ key prefix; default `bull`. */
  prefix?: string;
  /** Ms after which an unreachable Redis at start breaks the executor (BrokenExecutor). Default 10 000. */
  connectTimeout?: number;
  /** Ms between the I/O thread's checks of in-flight jobs in Redis (missed events, lost jobs, queue depth). Default 1000. */
  pollInterval?: number;
}

function positiveInteger(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`${name} must be an integer`);
  if (value <= 0) throw new RangeError(`${name} must be greater than 0`);
  return value;
}

function checkBackoff(backoff: unknown): Backoff | undefined {
  if (backoff === undefined) return undefined;
  if (typeof backoff === 'number') {
    if (!(backoff >= 0)) throw new RangeError('backoff must be a non-negative number of milliseconds');
    return backoff;
  }
  const { type, delay } = (backoff ?? {}) as { type?: unknown; delay?: unknown };
  if (type !== 'fixed' && type !== 'exponential') throw new TypeError("backoff.type must be 'fixed' or 'exponential'");
  if (delay !== undefined && !(typeof delay === 'number' && delay >= 0)) throw new RangeError('backoff.delay must be a non-negative number of milliseconds');
  return { type, delay: delay as number | undefined };
}

/** A module export as the worker will resolve it; a TypeError for anything else. */
function moduleTask(fn: unknown): { module: string; name: string } {
  if (fn instanceof TaskRef) {
    const module = fn.url;
    if (/^(file|data|https?|node):/i.test(module) || module.startsWith('/')) {
      throw new TypeError(
        `a DistributedExecutor task names its module by package name or by a path relative to the worker's task root ` +
          `(task('./tasks.js', '${fn.exportName}')), not by a URL or absolute path: ${module}`,
      );
    }
    return { module, name: fn.exportName };
  }
  if (typeof fn === 'function') {
    throw new TypeError(
      `a DistributedExecutor runs named module exports only, e.g. task('./tasks.js', 'name'): ` +
        `function ${fn.name || '<anonymous>'} cannot be sent to a remote worker`,
    );
  }
  throw new TypeError(`a DistributedExecutor task must be task(moduleSpecifier, exportName), not ${fn === null ? 'null' : typeof fn}`);
}

/**
 * An executor whose tasks run on `threadkit-worker` processes (any machine that reaches the
 * same Redis). Tasks are named module exports, `task('./tasks.js', 'name')` or
 * `task('some-package', 'name')`, resolved by the worker; arguments and results travel with a
 * JSON codec that carries what the local codec copies, minus shared handles (a `Lock` or `Queue`
 * argument is a TypeError at `submit`). Delivery is at-least-once: a task may run more than once
 * (a retry, a worker lost mid-task), so make tasks idempotent; each future completes once.
 *
 * Import a backend first (`import '@threadkit/backend-workers'`): futures live in its shared
 * memory. `shutdown()` (or `using`/`await using`) ends the executor's Redis connections.
 */
export class DistributedExecutor extends Executor {
  private readonly requests = new SimpleQueue<ClientRequest>();
  private readonly counters = new SharedArray('i', STATS_LENGTH);
  private readonly histograms = allocHistograms();
  private readonly io: Thread;
  private readonly idPrefix = randomUUID().slice(0, 8);
  private readonly where: string;
  /**
   * This executor's futures, so that `shutdown({ cancelFutures })` cancels at once those not
   * started (as Python does); done ones are pruned when the set doubles (no callback per future).
   */
  private readonly pending = new Set<Future<unknown>>();
  private pruneAt = 1024;
  private nextJob = 0;
  private isShutdown = false;

  /** Connects (on the executor's I/O thread) to `connection` and sends tasks to `queue`. */
  constructor(options: DistributedExecutorOptions) {
    super();
    if (!hasBackend()) {
      throw new Error("threadkit: no backend installed — import a backend (e.g. '@threadkit/backend-workers') before creating a DistributedExecutor");
    }
    if (typeof options !== 'object' || options === null) throw new TypeError('DistributedExecutor options must be an object');
    const connection = redisOptions(options.connection);
    if (typeof options.queue !== 'string' || options.queue === '') throw new TypeError('queue must be a non-empty string');
    if (options.queue.includes(':')) throw new RangeError(`queue name cannot contain ':': '${options.queue}'`);
    const config: ClientConfig = {
      connection,
      queue: options.queue,
      prefix: options.prefix ?? 'bull',
      attempts: positiveInteger(options.attempts, 'attempts', 1),
      backoff: checkBackoff(options.backoff),
      maxInFlight: positiveInteger(options.maxInFlight, 'maxInFlight', 1000),
      connectTimeout: positiveInteger(options.connectTimeout, 'connectTimeout', 10_000),
      pollInterval: positiveInteger(options.pollInterval, 'pollInterval', 1000),
    };
    this.where = `${describeConnection(connection)} queue=${options.queue}`;
    for (const sampled of [S.queueDepth, S.threads, S.idleThreads]) this.counters.store(sampled, -1);
    this.io = new Thread({
      target: task(new URL('./client-thread.js', import.meta.url), 'runClient'),
      args: [config, this.requests, this.counters, this.histograms],
      name: `DistributedExecutor(${options.queue})`,
      daemon: true,
    });
    this.io.start();
  }

  /**
   * Sends `fn(...args)` to the queue and returns its Future. `fn` must be `task(module, name)`;
   * a function, or an argument the wire codec cannot carry (a shared handle, a Promise, …), is a
   * TypeError here. RuntimeError('cannot schedule new futures after shutdown') after `shutdown()`.
   */
  override submit<A extends unknown[], R>(fn: TaskRef<(...args: A) => R>, ...args: A): Future<Awaited<R>>;
  override submit(fn: Callable, ...args: unknown[]): Future<unknown>;
  override submit(fn: Callable, ...args: unknown[]): Future<unknown> {
    return this.enqueue(fn, args, undefined);
  }

  /**
   * {@link submit} with control (beyond Python): `signal` cancels the job while it waits (it is
   * removed from Redis) and aborts the running task's `taskSignal()`; `timeout` (ms from the
   * task's start on the worker) aborts it with a TimeoutError; `priority` orders waiting jobs
   * (lower first, equal ones in submission order), within ±1 048 575.
   */
  submitWith<A extends unknown[], R>(options: DistributedSubmitOptions, fn: TaskRef<(...args: A) => R>, ...args: A): Future<Awaited<R>>;
  submitWith(options: DistributedSubmitOptions, fn: Callable, ...args: unknown[]): Future<unknown>;
  submitWith(options: DistributedSubmitOptions, fn: Callable, ...args: unknown[]): Future<unknown> {
    return this.enqueue(fn, args, checkOptions(options));
  }

  private enqueue(fn: Callable, args: unknown[], options: DistributedSubmitOptions | undefined): Future<unknown> {
    if (this.isShutdown) throw new RuntimeError('cannot schedule new futures after shutdown');
    if (this.counters.load(S.broken) === 1) throw new BrokenExecutor(`DistributedExecutor cannot reach Redis at ${this.where}`);
    const { module, name } = moduleTask(fn);
    const data: JobData = { module, name, args: toWire(args, 'args'), ...(options?.timeout !== undefined ? { timeout: options.timeout } : {}) };
    const future = new Future<unknown>();
    const jobId = `${this.idPrefix}-${++this.nextJob}`;
    this.counters.add(S.submitted, 1);
    this.counters.add(S.queued, 1);
    this.requests.put({ kind: 'submit', jobId, future, data, priority: options?.priority ?? 0, submittedAt: performance.timeOrigin + performance.now() });
    this.pending.add(future);
    if (this.pending.size >= this.pruneAt) this.prune();
    const signal = options?.signal;
    if (signal !== undefined) {
      const abort = (): void => {
        if (future.cancel() || future.done()) return;
        this.requests.put({ kind: 'abort', jobId });
      };
      if (signal.aborted) abort();
      else {
        signal.addEventListener('abort', abort, { once: true });
        future.addDoneCallback(() => signal.removeEventListener('abort', abort));
      }
    }
    return future;
  }

  /** Forgets the done futures of {@link pending}. */
  private prune(): void {
    for (const future of this.pending) if (future.done()) this.pending.delete(future);
    this.pruneAt = Math.max(1024, 2 * this.pending.size);
  }

  /**
   * Stops accepting work; safe to call more than once. Jobs already sent still run unless
   * `cancelFutures` (then those not started are cancelled and removed from Redis; running ones
   * finish). With `wait` (default true), returns once every future is done and the Redis
   * connections are closed. Also takes `{ wait, cancelFutures }`.
   */
  override shutdown(wait: boolean | ShutdownOptions = true, options: ShutdownOptions = {}): void {
    if (this.stop(wait, options)) this.io.join();
  }

  /** {@link shutdown} that waits without blocking the event loop. */
  override async shutdownAsync(wait: boolean | ShutdownOptions = true, options: ShutdownOptions = {}): Promise<void> {
    if (this.stop(wait, options)) await this.io.joinAsync();
  }

  private stop(wait: boolean | ShutdownOptions, options: ShutdownOptions): boolean {
    const opts = typeof wait === 'object' && wait !== null ? wait : { ...options, wait };
    // Cancelled here and now (a future a worker has started is RUNNING and stays so).
    if (opts.cancelFutures === true) for (const future of [...this.pending]) future.cancel();
    if (!this.isShutdown) {
      this.isShutdown = true;
      this.requests.put({ kind: 'shutdown', cancelFutures: opts.cancelFutures === true });
    } else if (opts.cancelFutures === true) {
      this.requests.put({ kind: 'shutdown', cancelFutures: true });
    }
    return opts.wait ?? true;
  }

  /** The counters (see {@link DistributedStats}); `queueDepth` as last read from Redis. */
  stats(): DistributedStats {
    const c = this.counters;
    return {
      submitted: c.load(S.submitted),
      completed: c.load(S.completed),
      failed: c.load(S.failed),
      cancelled: c.load(S.cancelled),
      timedOut: c.load(S.timedOut),
      queued: c.load(S.queued),
      running: c.load(S.running),
      queueDepth: c.load(S.queueDepth),
      threads: c.load(S.threads),
      idleThreads: c.load(S.idleThreads),
      waitTime: readHistogram(this.histograms, WAIT_TIME),
      runTime: readHistogram(this.histograms, RUN_TIME),
    };
  }

  /** `<DistributedExecutor redis://127.0.0.1:6379 queue=q queued=0 running=2>` plus `shutdown`/`broken`. */
  override toString(): string {
    const c = this.counters;
    const state = c.load(S.broken) === 1 ? ' broken' : this.isShutdown ? ' shutdown' : '';
    return `<DistributedExecutor ${this.where} queued=${c.load(S.queued)} running=${c.load(S.running)}${state}>`;
  }

  /** Node's `util.inspect` shows the repr. */
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}
