/**
 * The CPU-scaling figure times each pool as the best of a few runs, alternating the pools
 * (1-thread, 2-thread, 1-thread, …). Other processes on a shared machine only ever add time,
 * and they hurt the 2-thread run (which needs both cores to itself) more than the 1-thread
 * run, so a single run's ratio is biased low by whatever else ran; the best run of each is
 * the pool's own speed. Every contender (threadkit, piscina, tinypool, CPython) is timed so.
 */

/** Runs per pool in one sample. */
export const CPU_REPEATS = 3;

/** Best (lowest) time of `time(pool)` for each pool over `repeats` alternating rounds. */
export function bestOf(repeats, pools, time) {
  const best = pools.map(() => Infinity);
  for (let r = 0; r < repeats; r++) pools.forEach((pool, i) => (best[i] = Math.min(best[i], time(pool))));
  return best;
}

/** {@link bestOf} for async `time`. */
export async function bestOfAsync(repeats, pools, time) {
  const best = pools.map(() => Infinity);
  for (let r = 0; r < repeats; r++) {
    for (let i = 0; i < pools.length; i++) best[i] = Math.min(best[i], await time(pools[i]));
  }
  return best;
}
