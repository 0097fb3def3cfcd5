// Ports seed 002 ("Threads in Python"), Practice Exercise 2: spawn 10 threads incrementing a
// counter 100k times; show the count is less than 1M without a lock; fix with Lock.
// Lesson: `counter.value += 1` is read, add, write — two threads can read the same value and one
// update is lost. Here the threads really run at once, so updates get lost far more often than
// under Python's GIL. (A race may also come out right: the unsafe total is reported, not asserted.)
import { Thread, Lock, Value } from '#threading';
import { check } from './lib/check';

function unsafeIncrement(counter: Value) {
  for (let i = 0; i < 100_000; i++) counter.value += 1;
}

function safeIncrement(counter: Value, lock: Lock) {
  for (let i = 0; i < 100_000; i++) {
    using _ = lock.hold(); // with lock:
    counter.value += 1;
  }
}

function run(target: (counter: Value, lock: Lock) => void): number {
  const counter = new Value('i', 0);
  const lock = new Lock();
  const threads = Array.from({ length: 10 }, () => new Thread({ target, args: [counter, lock] }));
  for (const t of threads) t.start();
  for (const t of threads) t.join();
  return counter.value;
}

const unsafe = run(unsafeIncrement);
console.log(`without a lock: ${unsafe} (expected 1000000; ${1_000_000 - unsafe} updates lost)`);
const safe = run(safeIncrement);
console.log(`with a Lock:    ${safe}`);
check(safe === 1_000_000, `with the lock the count should be exactly 1000000, got ${safe}`);
