// Ports seed 003 ("Going Parallel"), A Simple Example: `count_up_to(10)` on a thread while the
// main thread does its own work, then `thread.join()`.
// Lesson: start() returns at once; the two threads run side by side, and join() waits for the
// counter. (Delays are halved: 50 ms per count, 100 ms per main-thread step.)
import { Thread, sleep } from '#threading';
import { check } from './lib/check';
import { warmUp } from './lib/warm-up';

function countUpTo(n: number) {
  let count = 0;
  while (count < n) {
    count += 1;
    sleep(50); // Simulate some work
  }
  console.log(`Finished counting up to ${n}`);
}

warmUp(1); // boot a worker first: a thread's first start boots a JS engine (see lib/warm-up.ts)

const thread = new Thread({ target: countUpTo, args: [10] });
thread.start();

// Meanwhile, the main thread does something else
const t0 = performance.now();
for (let i = 0; i < 5; i++) {
  console.log(`Main thread is doing work ${i}`);
  sleep(100);
}
thread.join(); // Wait for the counting thread to finish
const elapsed = performance.now() - t0;
console.log('Main thread done');

check(elapsed < 500 + 500, `both ran side by side: ${elapsed.toFixed(0)} ms, not 500 + 500 ms`);
