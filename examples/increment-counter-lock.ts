// Ports seed 003 ("Going Parallel"), Locks: `increment_counter()` adding 10000 to a global
// `counter` under `with lock:`, on 10 threads.
// Lesson: with the lock the final value is exactly 10 x 10000. The shared counter is a Value
// (a module-level `counter` would be a different variable in every thread), passed in with the lock.
import { Thread, Lock, Value } from '#threading';
import { check } from './lib/check';

const counter = new Value('i', 0);
const lock = new Lock();

function incrementCounter(counter: Value, lock: Lock) {
  for (let i = 0; i < 10000; i++) {
    using _ = lock.hold(); // with lock:
    counter.value += 1;
  }
}

const threads: Thread[] = [];
for (let i = 0; i < 10; i++) {
  const t = new Thread({ target: incrementCounter, args: [counter, lock] });
  threads.push(t);
  t.start();
}

for (const t of threads) t.join();

console.log(`Final counter value: ${counter.value}`);
check(counter.value === 100_000, `the counter should be exactly 100000, got ${counter.value}`);
