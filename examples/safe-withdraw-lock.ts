// Seed 000 ("Solution: threading.Lock"): `safe_withdraw` — the same two withdrawals of 700 from
// 1000, with the read-check-write inside `with lock:`.
// Lesson: the lock makes the critical section atomic: exactly one withdrawal succeeds and the
// final balance is always 300, even with a pause between the read and the write (which makes the
// unlocked version in unsafe-withdraw-race.ts fail nearly every time).
import { Thread, Lock, Value, sleep } from '#threading';
import { warmUp } from './lib/warm-up.ts';
import { check } from './lib/check.ts';

const balance = new Value('i', 1000);
const withdrawals = new Value('i', 0);
const lock = new Lock();

function safeWithdraw(lock: Lock, balance: Value, withdrawals: Value, amount: number): void {
  lock.acquire(); // with lock:  (in a thread target, try/finally: see the README's note on `using`)
  try {
    // This block can only be executed by one thread at a time
    const currentBalance = balance.value;
    sleep(10); // the pause that breaks the unlocked version
    if (currentBalance >= amount) {
      balance.value = currentBalance - amount;
      withdrawals.add(1);
    }
  } finally {
    lock.release();
  }
}

warmUp(2); // both threads start together, so they really contend for the lock

const thread1 = new Thread({ target: safeWithdraw, args: [lock, balance, withdrawals, 700] });
const thread2 = new Thread({ target: safeWithdraw, args: [lock, balance, withdrawals, 700] });
thread1.start();
thread2.start();
thread1.join();
thread2.join();

console.log(`Final balance: ${balance.value}`); // always 300
check(balance.value === 300 && withdrawals.value === 1,
  `final balance ${balance.value} after ${withdrawals.value} withdrawals (expected 300 after 1)`);
