/** Helpers of the memory figures (each sample runs in a fresh process). */
import { setTimeout as delay } from 'node:timers/promises';
import v8 from 'node:v8';
import vm from 'node:vm';

// A gc() without --expose-gc on the command line: workers inherit process.execArgv, and Node
// refuses --expose-gc there (ERR_WORKER_INVALID_EXEC_ARGV).
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');

/** Collects garbage (when exposed) and lets the process settle. */
export async function settle() {
  for (let i = 0; i < 2; i++) {
    gc();
    await delay(50);
  }
}

/**
 * RSS per idle thread: the process's resident set before and after `k` threads are started
 * and known to be idle (blocked waiting), divided by k. `start()` returns the threads,
 * `ready()` resolves once they all are idle, `stop(threads)` ends them.
 */
export async function threadRss(k, { start, ready, stop }) {
  await settle();
  const before = process.memoryUsage.rss();
  const threads = start();
  await ready(threads);
  await settle();
  const after = process.memoryUsage.rss();
  await stop(threads);
  return { value: (after - before) / k, extra: {} };
}
