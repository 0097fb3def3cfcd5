// Ports seed 002 ("Threads in Python"): `worker(n)` started on five threads, then joined.
// Lesson: the five workers sleep at the same time, so the whole run takes about one sleep, not five.
// (time.sleep(1) is scaled down to sleep(100): 100 ms instead of 1 s.)
import { Thread, sleep } from '#threading';
import { check } from './lib/check';
import { warmUp } from './lib/warm-up';

function worker(n: number) {
  console.log(`worker ${n} starting`);
  sleep(100);
  console.log(`worker ${n} done`);
}

warmUp(5); // boot the 5 workers first, so the timing shows the sleeps (see lib/warm-up.ts)

const t0 = performance.now();
const threads = [0, 1, 2, 3, 4].map((i) => new Thread({ target: worker, args: [i] }));
for (const t of threads) t.start();
for (const t of threads) t.join(); // wait for completion
const elapsed = performance.now() - t0;

console.log(`5 workers x 100 ms took ${elapsed.toFixed(0)} ms (sequential: 500 ms)`);
check(elapsed < 5 * 100 / 2, `the workers should sleep at the same time (took ${elapsed.toFixed(0)} ms)`);
