// Seed 001 ("Creating Threads"): two `download_file` threads started with `Thread(target=...,
// args=...)`, then joined.
// Lesson: the two "downloads" (sleeps standing in for I/O) overlap, so the total time is about
// the longer one, not the sum. Delays scaled down: 2 s and 3 s → 200 ms and 300 ms.
import { Thread, sleep } from '#threading';
import { warmUp } from './lib/warm-up.ts';
import { check } from './lib/check.ts';

function downloadFile(filename: string, delay: number): void {
  console.log(`Starting download: ${filename}`);
  sleep(delay);
  console.log(`Finished download: ${filename}`);
}

warmUp(2); // boot 2 workers first (untimed), so the timing below is the downloads, not the boot
const t0 = performance.now();

// Create threads
const thread1 = new Thread({ target: downloadFile, args: ['data.csv', 200] });
const thread2 = new Thread({ target: downloadFile, args: ['image.jpg', 300] });

// Start them
thread1.start();
thread2.start();

// Wait for both to complete
thread1.join();
thread2.join();

console.log('All downloads complete');
const elapsed = performance.now() - t0;
console.log(`Took ${elapsed.toFixed(0)} ms: about the longer download (300 ms), not the sum (500 ms)`);
check(elapsed < 450, `took ${elapsed.toFixed(0)} ms; the downloads did not overlap (sequential would be 500 ms)`);
