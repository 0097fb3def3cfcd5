// Seed 001 ("Creating Threads with a Subclass"): `DownloadWorker(threading.Thread)` with its own
// `__init__` fields and an overridden `run()`; three of them started and joined.
// Lesson: a subclass keeps its per-thread data in fields and its work in run(). In threadkit the
// instance's fields (filename, delay) are copied to the thread that runs run(), and the class must
// be self-contained (it uses only its fields and threadkit's exports, such as `sleep`).
// Delays scaled down: 1, 2, 3 s → 100, 200, 300 ms.
import { Thread, sleep } from '#threading';
import { warmUp } from './lib/warm-up.ts';
import { check } from './lib/check.ts';

class DownloadWorker extends Thread {
  filename: string;
  delay: number;

  constructor(filename: string, delay: number) {
    super();
    this.filename = filename;
    this.delay = delay;
  }

  run(): void {
    console.log(`Starting: ${this.filename}`);
    sleep(this.delay);
    console.log(`Finished: ${this.filename}`);
  }
}

warmUp(3); // boot 3 workers first (untimed), so the timing below is the work, not the boot
const t0 = performance.now();

// Use the subclass
const workers = [
  new DownloadWorker('file1.txt', 100),
  new DownloadWorker('file2.txt', 200),
  new DownloadWorker('file3.txt', 300),
];

for (const worker of workers) worker.start();
for (const worker of workers) worker.join();

console.log('All work complete');
const elapsed = performance.now() - t0;
console.log(`Took ${elapsed.toFixed(0)} ms (the longest is 300 ms; one after another would be 600 ms)`);
check(elapsed < 500, `took ${elapsed.toFixed(0)} ms; the workers did not run concurrently`);
