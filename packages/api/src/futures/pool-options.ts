/**
 * The options of `new ThreadPoolExecutor(...)`, in both forms (CPython's positional parameters,
 * or one options object with our additions), checked and turned into the pool block's settings.
 * Each addition's check lives with what it controls (backpressure.ts, hard-stop.ts, recycling.ts).
 */
import { storeValue, freeValue } from '../codec';
import { TaskRef, toTaskSpec, type TaskSpec } from '../threading/task';
import { cpuCount } from '../host/cpu-count';
import type { Callable } from './executor';
import type { PoolSettings } from './pool-block';
import { killAfterOption } from './hard-stop';
import { maxTasksOption, onDeathOption, resourceLimitsOption, type ResourceLimits } from './recycling';
import { maxQueueOption } from './backpressure';

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
  /**
   * Beyond Python: the most futures the queue holds; while it is full `submit` blocks and
   * `submitAsync` waits for room. Default (or 0, Infinity): no bound, as in Python.
   */
  maxQueue?: number;
  /**
   * Beyond Python: ms after a task's signal (its `timeout` passing, or its `signal` aborting —
   * see `submitWith`) until a task that has not ended has its thread terminated and replaced;
   * its future fails with TimeoutError or CancelledError. Default 5000; Infinity: never.
   */
  killAfter?: number;
  /**
   * Python's name on its process pool: a pool thread is replaced by a new one after running this
   * many tasks (a fresh isolate: its module state and heap start over). Default: never.
   */
  maxTasksPerChild?: number;
  /**
   * What a pool thread whose runtime dies (`process.exit()` in a task, heap exhaustion) does to
   * the pool: `'break'` (default, Python's: the pool is broken, its futures fail with
   * BrokenThreadPool) or `'replace'` (the task it ran fails alone and a new thread takes its place).
   */
  onWorkerDeath?: 'break' | 'replace';
  /**
   * Node's Worker `resourceLimits` for each pool thread (each then runs on a worker of its own):
   * a task that exhausts its heap kills its thread (see `onWorkerDeath`). A TypeError where the
   * runtime cannot apply them (outside Node's worker_threads).
   */
  resourceLimits?: ResourceLimits;
}

/** The constructor's arguments, checked. */
export interface ParsedPoolOptions {
  readonly settings: PoolSettings;
  /** The thread name prefix given ('' when none). */
  readonly prefix: string;
  readonly initializer: TaskSpec | null;
  readonly initargs: unknown[];
  readonly limits: ResourceLimits | null;
}

/**
 * Checks the constructor's arguments: RangeError('max_workers must be greater than 0') for
 * `maxWorkers <= 0`; a TypeError when `initializer` is not a runnable task or `initargs` cannot be
 * copied; each addition's own errors.
 */
export function parsePoolOptions(
  maxWorkers: number | ThreadPoolExecutorOptions | undefined,
  threadNamePrefix: string,
  initializer: Callable | undefined,
  initargs: unknown[],
): ParsedPoolOptions {
  let options: ThreadPoolExecutorOptions = {};
  if (typeof maxWorkers === 'object' && maxWorkers !== null) {
    options = maxWorkers;
    ({ threadNamePrefix = '', initializer, initargs = [] } = options);
    maxWorkers = options.maxWorkers;
  }
  maxWorkers ??= Math.min(32, cpuCount() + 4);
  if (typeof maxWorkers !== 'number' || !Number.isInteger(maxWorkers)) throw new TypeError('max_workers must be an integer');
  if (maxWorkers <= 0) throw new RangeError('max_workers must be greater than 0');
  if (initializer != null && typeof initializer !== 'function' && !(initializer instanceof TaskRef)) throw new TypeError('initializer must be a callable');
  const spec = initializer == null ? null : toTaskSpec(initializer, 'initializer');
  const args = [...initargs];
  freeValue(storeValue(args));
  const settings: PoolSettings = {
    maxWorkers,
    maxQueue: maxQueueOption(options.maxQueue),
    killAfter: killAfterOption(options.killAfter),
    maxTasks: maxTasksOption(options.maxTasksPerChild),
    onDeath: onDeathOption(options.onWorkerDeath),
  };
  return { settings, prefix: threadNamePrefix, initializer: spec, initargs: args, limits: resourceLimitsOption(options.resourceLimits) };
}
