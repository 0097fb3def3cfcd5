// Ports seed 003 ("Going Parallel"), Example: Minimizing Lock Contention: "instead of locking and
// incrementing a global counter 100,000 times, accumulate counts locally in each thread and then
// combine them at the end under a single lock acquisition."
// Lesson: both totals are exact, but the local version takes the lock once per thread instead of
// once per increment, so the threads stop queueing for the lock.
import { Thread, Lock, Value } from '#threading';
import { check } from './lib/check';
import { warmUp } from './lib/warm-up';

const THREADS = 4;
const PER_THREAD = 25_000; // 4 x 25,000 = 100,000 increments

function lockEveryTime(n: number, counter: Value, lock: Lock) {
  for (let i = 0; i < n; i++) {
    using _ = lock.hold();
    counter.value += 1;
  }
}

function accumulateLocally(n: number, counter: Value, lock: Lock) {
  let local = 0;
  for (let i = 0; i < n; i++) local += 1;
  using _ = lock.hold(); // one acquisition per thread
  counter.value += local;
}

function run(target: typeof lockEveryTime): [number, number] {
  const counter = new Value('i', 0);
  const lock = new Lock();
  const t0 = performance.now();
  const threads = Array.from({ length: THREADS }, () => new Thread({ target, args: [PER_THREAD, counter, lock] }));
  for (const t of threads) t.start();
  for (const t of threads) t.join();
  return [counter.value, performance.now() - t0];
}

warmUp(THREADS); // boot the workers first, so the timings show the locking (see lib/warm-up.ts)
const [contended, contendedMs] = run(lockEveryTime);
console.log(`lock per increment: counter = ${contended} in ${contendedMs.toFixed(1)} ms (${THREADS * PER_THREAD} acquisitions)`);
const [combined, combinedMs] = run(accumulateLocally);
console.log(`local accumulation: counter = ${combined} in ${combinedMs.toFixed(1)} ms (${THREADS} acquisitions)`);
console.log(`local accumulation was ${(contendedMs / combinedMs).toFixed(1)}x faster`);

check(contended === 100_000 && combined === 100_000, 'both counters should be exactly 100000');
check(combinedMs < contendedMs, 'accumulating locally should be faster than locking every increment');
