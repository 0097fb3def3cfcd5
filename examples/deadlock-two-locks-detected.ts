// Seed 001 ("Multiple Locks and Deadlocks"), the twin that looks inside: `thread_one` takes lock_a
// then lock_b, `thread_two` takes lock_b then lock_a, each pausing 100 ms in between — and this
// time neither gives up (as in Python, the program would hang forever).
// Lesson: a hung program can tell you why. `detectDeadlocks()` finds the cycle (each thread waits
// for the lock the other holds) and `dumpThreads()` shows every thread, what it waits in, for how
// long and who holds it — what `jstack` shows for Java. From outside, a process started with
// THREADKIT_DUMP_ON_SIGNAL=SIGUSR2 prints the same dump on `kill -USR2 <pid>`, even while its main
// thread is blocked; THREADKIT_DEADLOCK=raise makes the wait that closes a cycle throw
// DeadlockError instead, in the one thread whose wait closed the cycle.
import { Thread, Lock, Barrier, sleep, detectDeadlocks, dumpThreads } from '#threading';
import { check } from './lib/check.ts';
import { warmUp } from './lib/warm-up.ts';

const lockA = new Lock();
const lockB = new Lock();

/**
 * Takes `first`, works 100 ms, then waits for `second` — forever, as Python's `with second:` would.
 * (`bothHoldOne` makes sure both threads hold their first lock before either asks for its second:
 * with the seed's 100 ms alone, a thread that starts late on a busy machine finds both locks free.)
 */
function takeBoth(first: Lock, second: Lock, bothHoldOne: Barrier): void {
  first.acquire(); // with first:
  sleep(100); // Simulate work
  bothHoldOne.wait();
  second.acquire(); // with second:  — blocks forever when the other thread holds it
  console.log('acquired both locks (not with opposite orders)');
  second.release();
  first.release();
}

warmUp(2); // both threads start together, as in Python

// This demonstrates the problem (don't do this): opposite orders. Daemon threads, so the process
// can end while they are stuck (Python would hang here).
const bothHoldOne = new Barrier(2);
const t1 = new Thread({ name: 'thread_one', target: takeBoth, args: [lockA, lockB, bothHoldOne], daemon: true });
const t2 = new Thread({ name: 'thread_two', target: takeBoth, args: [lockB, lockA, bothHoldOne], daemon: true });
t1.start();
t2.start();

// Look for the cycle for up to 20 s (the threads need ~100 ms, plus their workers' boot).
let found = detectDeadlocks();
for (let waited = 0; found.length === 0 && waited < 20_000; waited += 20) {
  sleep(20);
  found = detectDeadlocks();
}
check(found.length === 1, 'detectDeadlocks() must find the two-lock cycle');
for (const deadlock of found) {
  console.log(`Found: ${deadlock.threads.map((t) => t.name).join(' <-> ')}`);
  console.log(deadlock.description);
}
console.log();
const dump = dumpThreads();
console.log(dump);
check(/"thread_one" \(ident \d+\)[^\n]*waiting in Lock\.acquire <Lock locked>[^\n]*held by "thread_two"/.test(dump), 'the dump shows thread_one waiting for the lock thread_two holds');
check(/"thread_two" \(ident \d+\)[^\n]*waiting in Lock\.acquire <Lock locked>[^\n]*held by "thread_one"/.test(dump), 'the dump shows thread_two waiting for the lock thread_one holds');

// The fix is the same as in the seed: always acquire multiple locks in the same order.
