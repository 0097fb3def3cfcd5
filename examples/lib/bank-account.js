/**
 * Seed 001's `BankAccount` (a balance guarded by a lock) and its `worker`, for
 * bank-account-20-threads.ts. Threads import this module to run `worker` (via `task(...)`), so it
 * has no top-level side effects. Plain JavaScript on purpose: on Node 20, tsx compiles
 * TypeScript only on the main thread, so a module that threads import must be .js (there, no
 * `using` either: `try`/`finally` is `with self.lock:`).
 */
import { Lock, Value } from '#threading';

export class BankAccount {
  constructor(initialBalance = 0) {
    // The state lives in shared objects, so every thread's copy of the account sees the same balance.
    this.balance = new Value('i', initialBalance);
    this.lock = new Lock();
  }

  deposit(amount) {
    this.lock.acquire(); // with self.lock:
    try {
      const newBalance = this.balance.value + amount;
      this.balance.value = newBalance;
      return newBalance;
    } finally {
      this.lock.release();
    }
  }

  withdraw(amount) {
    this.lock.acquire();
    try {
      if (this.balance.value >= amount) {
        this.balance.value -= amount;
        return true;
      }
      return false;
    } finally {
      this.lock.release();
    }
  }

  getBalance() {
    this.lock.acquire();
    try {
      return this.balance.value;
    } finally {
      this.lock.release();
    }
  }
}

/** Python's `worker(amount, is_deposit)`; the account comes in as an argument instead of a global. */
export function worker(account, amount, isDeposit) {
  // An object crosses threads as a copy of its fields (here: the very same Value and Lock),
  // not of its class, so give the copy its methods back.
  Object.setPrototypeOf(account, BankAccount.prototype);
  if (isDeposit) {
    account.deposit(amount);
  } else {
    account.withdraw(amount);
  }
  console.log(`Balance after operation: ${account.getBalance()}`);
}
