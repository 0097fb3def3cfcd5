// Ports seed 003 ("Going Parallel"), Subclassing Thread: `class CountingThread(threading.Thread)`
// storing `n` and overriding `run()`.
// Lesson: a subclass keeps its state on the thread object; `run()` runs in the new thread, on a
// copy of the object's fields. The class must be self-contained (or exported with
// `static module = import.meta.url`) because the thread rebuilds it from its source.
// (time.sleep(0.1) is halved to sleep(50).)
import { Thread, sleep } from '#threading';
import { check } from './lib/check';

class CountingThread extends Thread {
  n: number;

  constructor(n: number) {
    super();
    this.n = n;
  }

  run() {
    let count = 0;
    while (count < this.n) {
      count += 1;
      sleep(50);
    }
    console.log(`Finished counting up to ${this.n}`);
  }
}

const thread = new CountingThread(10);
const t0 = performance.now();
thread.start();
thread.join();
const elapsed = performance.now() - t0;
console.log('Subclassed Thread done');
console.log(`${thread} after ${elapsed.toFixed(0)} ms`);
check(!thread.isAlive() && !thread.crashed, 'the thread should have run to the end');
check(elapsed >= 10 * 50, `run() should have counted 10 steps of 50 ms (${elapsed.toFixed(0)} ms)`);
