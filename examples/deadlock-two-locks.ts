// Seed 001 ("Multiple Locks and Deadlocks"): `thread_one` takes lock_a then lock_b, `thread_two`
// takes lock_b then lock_a, each pausing 100 ms in between.
// Lesson: each thread ends up holding the lock the other one needs: a deadlock. In Python the
// program hangs forever; here the inner acquire has a timeout (`acquire(true, 1000)`), so we see
// the deadlock reported instead of hanging. The fix: take the locks in the same order everywhere.
import { Thread, Lock, Value, sleep } from '#threading';
import { warmUp } from './lib/warm-up.ts';
import { check } from './lib/check.ts';

const lockA = new Lock();
const lockB = new Lock();
const bothAcquired = new Value('i', 0); // how many threads got both locks

/** Takes `first`, works 100 ms, then tries `second` for at most 1 s (Python would wait forever). */
function takeBoth(name: string, first: Lock, firstName: string, second: Lock, secondName: string, bothAcquired: Value): void {
  first.acquire(); // with first:
  try {
    sleep(100); // Simulate work
    if (second.acquire(true, 1000)) { // with second:  — but give up after 1 s
      try {
        console.log(`${name} acquired both locks`);
        bothAcquired.add(1);
      } finally {
        second.release();
      }
    } else {
      console.log(`${name} holds ${firstName}, waited 1000 ms for ${secondName}: DEADLOCK (Python would hang here)`);
    }
  } finally {
    first.release();
  }
}

warmUp(2); // both threads start together, as in Python

// This demonstrates the problem (don't do this): opposite orders.
let t1 = new Thread({ name: 'thread_one', target: takeBoth, args: ['Thread one', lockA, 'lock_a', lockB, 'lock_b', bothAcquired] });
let t2 = new Thread({ name: 'thread_two', target: takeBoth, args: ['Thread two', lockB, 'lock_b', lockA, 'lock_a', bothAcquired] });
t1.start();
t2.start();
t1.join();
t2.join();
const deadlocked = bothAcquired.value < 2;
console.log(deadlocked
  ? `Opposite lock order: deadlock detected (${2 - bothAcquired.value} of 2 threads timed out)`
  : 'Opposite lock order: no deadlock this time (the timing let one thread finish first)');

// The fix: always acquire multiple locks in the same order across all threads.
bothAcquired.value = 0;
t1 = new Thread({ name: 'thread_one', target: takeBoth, args: ['Thread one', lockA, 'lock_a', lockB, 'lock_b', bothAcquired] });
t2 = new Thread({ name: 'thread_two', target: takeBoth, args: ['Thread two', lockA, 'lock_a', lockB, 'lock_b', bothAcquired] });
t1.start();
t2.start();
t1.join();
t2.join();
console.log(`Same lock order: ${bothAcquired.value} of 2 threads acquired both locks`);
check(bothAcquired.value === 2, 'with the same lock order, both threads must acquire both locks');
