// Seed 001 ("Thread Synchronization with Locks"): `BankAccount` with a `threading.Lock`,
// driven by 20 threads (10 deposits of 10, 10 withdrawals of 5).
// Lesson: every read-modify-write of the balance happens under the account's lock, so the
// concurrent operations never corrupt it: the final balance is exactly 100 + 10*10 - 10*5 = 150.
import { Thread, task } from '#threading';
import { BankAccount } from './lib/bank-account.js';
import { check } from './lib/check.ts';

const account = new BankAccount(100);

// The worker is a module export (it uses the BankAccount class): each thread imports it with task().
const worker = task(new URL('./lib/bank-account.js', import.meta.url).href, 'worker');

// Run concurrent operations
const threads: Thread[] = [];
for (let i = 0; i < 10; i++) {
  threads.push(new Thread({ target: worker, args: [account, 10, true] }));
  threads.push(new Thread({ target: worker, args: [account, 5, false] }));
}

for (const t of threads) t.start();
for (const t of threads) t.join();

console.log(`Final balance: ${account.getBalance()}`);
check(account.getBalance() === 150, `final balance ${account.getBalance()}, expected 150`);
