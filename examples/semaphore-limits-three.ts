// Ports seed 003 ("Going Parallel"), Semaphores: `Semaphore(3)` guarding `use_resource(thread_id)`
// on 5 threads, like a pool of 3 connections.
// Lesson: at most 3 threads hold the semaphore at once; the other 2 wait for a release.
// (time.sleep(1) is scaled down to sleep(200).)
import { Thread, Semaphore, Value, sleep } from '#threading';
import { check } from './lib/check';

const semaphore = new Semaphore(3); // up to 3 threads can acquire at once
const holders = new Value('i', 0); // how many hold it now, and the most at once (for the check)
const most = new Value('i', 0);

function useResource(threadId: number, semaphore: Semaphore, holders: Value, most: Value) {
  using _ = semaphore.hold(); // with semaphore:
  const now = holders.add(1) + 1;
  for (let m = most.load(); now > m; m = most.load()) if (most.compareExchange(m, now) === m) break;
  console.log(`Thread ${threadId} acquired semaphore`);
  sleep(200);
  console.log(`Thread ${threadId} released semaphore`);
  holders.sub(1);
}

const threads: Thread[] = [];
for (let i = 0; i < 5; i++) {
  const t = new Thread({ target: useResource, args: [i, semaphore, holders, most] });
  threads.push(t);
  t.start();
}

for (const t of threads) t.join();

console.log(`at most ${most.value} threads held the semaphore at once; now ${semaphore}`);
check(most.value === 3, `exactly 3 threads should have held the semaphore at once, saw ${most.value}`);
