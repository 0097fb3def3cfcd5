/**
 * Recycling of `ThreadPoolExecutor` threads (beyond Python's thread pool): `maxTasksPerChild`
 * (Python's name on its process pool) hands a pool thread's index to a new thread after that many
 * tasks, and `onWorkerDeath` says what a pool thread whose runtime died does to the pool. The
 * options are checked here; the pool threads act on them (pool-worker.ts).
 */
import { ON_DEATH_BREAK, ON_DEATH_REPLACE } from './pool-block';
import { canLimitResources } from '../runtime';

/** Node's Worker `resourceLimits`, for each thread of a pool (MB). */
export interface ResourceLimits {
  /** The main heap's most size. */
  maxOldGenerationSizeMb?: number;
  /** The young generation's most size. */
  maxYoungGenerationSizeMb?: number;
  /** The code range's size. */
  codeRangeSizeMb?: number;
  /** The thread's stack size (default 4). */
  stackSizeMb?: number;
}

const LIMIT_NAMES = ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb'] as const;

/** Checks `resourceLimits`: a plain object of positive numbers under Node's names, on a host that can apply them; null when absent. */
export function resourceLimitsOption(limits: unknown): ResourceLimits | null {
  if (limits === undefined || limits === null) return null;
  if (typeof limits !== 'object') throw new TypeError('resourceLimits must be an object');
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(limits)) {
    if (!(LIMIT_NAMES as readonly string[]).includes(name)) throw new TypeError(`resourceLimits: unknown limit '${name}' (known: ${LIMIT_NAMES.join(', ')})`);
    if (typeof value !== 'number' || !(value > 0) || value === Infinity) throw new RangeError(`resourceLimits.${name} must be a positive number of MB`);
    out[name] = value;
  }
  if (!canLimitResources()) {
    throw new TypeError('resourceLimits needs threads on Node worker_threads (the Node host of the workers, wasm and native backends); this runtime cannot limit a thread');
  }
  return out;
}

/** Checks `maxTasksPerChild` with CPython's wording; returns the pool's field value (0: no limit). */
export function maxTasksOption(maxTasksPerChild: unknown): number {
  if (maxTasksPerChild === undefined || maxTasksPerChild === null) return 0;
  if (typeof maxTasksPerChild !== 'number' || !Number.isInteger(maxTasksPerChild)) throw new TypeError('max_tasks_per_child must be an integer');
  if (maxTasksPerChild <= 0) throw new RangeError('max_tasks_per_child must be >= 1');
  return Math.min(maxTasksPerChild, 0x7fffffff);
}

/** Checks `onWorkerDeath`; returns the pool's field value. */
export function onDeathOption(onWorkerDeath: unknown): number {
  if (onWorkerDeath === undefined || onWorkerDeath === 'break') return ON_DEATH_BREAK;
  if (onWorkerDeath === 'replace') return ON_DEATH_REPLACE;
  throw new RangeError(`onWorkerDeath must be 'break' or 'replace', not ${typeof onWorkerDeath === 'string' ? `'${onWorkerDeath}'` : String(onWorkerDeath)}`);
}
