// Ports seed 003 ("Going Parallel"), Thread Pools: `executor.submit(task, i)` for 10 tasks on
// `ThreadPoolExecutor(max_workers=5)`, results taken with `as_completed(futures)`.
// Lesson: as_completed yields each future as soon as it finishes, not in submission order; with
// 5 workers, 10 tasks of 200 ms take about 2 rounds.
import { ThreadPoolExecutor, asCompleted, sleep } from '#threading';
import { check } from './lib/check';
import { warmUp } from './lib/warm-up';

function task(n: number) {
  sleep(200); // Simulate some work
  return `Result of task ${n}`;
}

warmUp(5); // boot the pool's workers first, so the timing shows the tasks (see lib/warm-up.ts)
const t0 = performance.now();
const results: string[] = [];
{
  using executor = new ThreadPoolExecutor(5);
  const futures = Array.from({ length: 10 }, (_, i) => executor.submit(task, i));
  for (const future of asCompleted(futures)) {
    console.log(future.result());
    results.push(future.result() as string);
  }
}
const elapsed = performance.now() - t0;
console.log(`10 tasks x 200 ms on 5 workers in ${elapsed.toFixed(0)} ms`);

check(new Set(results).size === 10, 'every task should complete once');
check(elapsed < 10 * 200 / 2, `5 workers should run the tasks in about 2 rounds (${elapsed.toFixed(0)} ms)`);
