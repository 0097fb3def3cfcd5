// Ports seed 002 ("Threads in Python"), Synchronization Primitives: `increment(n)` adding to a
// global `counter` under `with lock:`.
// Lesson: `counter += 1` is a read-modify-write, not atomic; the lock makes the total exact.
// A module-level `counter` is per thread here, so the shared counter is a Value, passed in.
import { Thread, Lock, Value } from '#threading';
import { check } from './lib/check';

const counter = new Value('i', 0);
const lock = new Lock();

function increment(n: number, counter: Value, lock: Lock) {
  for (let i = 0; i < n; i++) {
    using _ = lock.hold(); // with lock:  (acquire now, release at the end of the block)
    counter.value += 1;
  }
}

const threads = [0, 1, 2, 3].map(() => new Thread({ target: increment, args: [25_000, counter, lock] }));
for (const t of threads) t.start();
for (const t of threads) t.join();

console.log(`counter = ${counter.value} (4 threads x 25000 increments under the lock)`);
check(counter.value === 100_000, `the counter should be exactly 100000, got ${counter.value}`);
