// Seed 000 ("Race Conditions and The Need for Locks"): two threads run the unsafe `withdraw(700)`
// on one balance of 1000.
// Lesson: read-check-write on shared data without a lock is a race. If both threads read 1000
// before either writes, both withdrawals succeed and the final balance is 300 after paying out
// 1400 (or -400 if the writes land in the other order). A race may also come out right: this
// example REPORTS what happened, it does not assert it. Fixed in safe-withdraw-lock.ts.
import { Thread, Value, sleep } from '#threading';
import { warmUp } from './lib/warm-up.ts';

// `global balance` → a shared Value every thread sees (module globals are per thread in threadkit).
const balance = new Value('i', 1000);
const withdrawals = new Value('i', 0); // how many withdrawals went through

function withdraw(balance: Value, withdrawals: Value, amount: number, pauseMs: number): void {
  // Read the current balance
  const currentBalance = balance.value;
  sleep(pauseMs); // 0 in the seed's program; see the second run below
  // Check if there are enough funds
  if (currentBalance >= amount) {
    // Update the balance
    balance.value = currentBalance - amount;
    withdrawals.add(1);
  }
}

function run(pauseMs: number): void {
  balance.value = 1000;
  withdrawals.value = 0;
  const thread1 = new Thread({ target: withdraw, args: [balance, withdrawals, 700, pauseMs] });
  const thread2 = new Thread({ target: withdraw, args: [balance, withdrawals, 700, pauseMs] });
  thread1.start();
  thread2.start();
  thread1.join();
  thread2.join();
  const raced = withdrawals.value === 2;
  console.log(`Final balance: ${balance.value}` +
    (raced ? `  <- race: BOTH withdrawals of 700 went through (paid out 1400 from 1000)` : '  (came out right this time)'));
}

warmUp(2); // boot 2 workers first, so both threads really start together, as Python's would

// The seed's program. Here the window between the read and the write is a few nanoseconds, so the
// race is rare; rare is not never.
run(0);

// The seed: "a thread can be paused by the OS at any point". Pause each thread for 10 ms between
// its read and its write, and the race shows nearly every time.
console.log('With a 10 ms pause between the read and the write:');
run(10);
