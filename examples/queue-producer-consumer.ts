// Ports seed 002 ("Threads in Python"), Producer/Consumer with Queue: `Queue(maxsize=100)`,
// a producer putting 1000 items and a `None` sentinel, a consumer calling `process(item)` and
// `task_done()` until the sentinel.
// Lesson: the queue does the locking; `put` blocks while 100 items wait, so the producer can never
// run far ahead of the consumer, and every item is consumed exactly once.
import { Thread, Queue, SharedArray } from '#threading';
import { check } from './lib/check';

const q = new Queue<number | null>(100);
const seen = new SharedArray('i', 1000); // how many times each item was processed

function producer(q: Queue<number | null>) {
  for (let i = 0; i < 1000; i++) q.put(i); // blocks if full
  q.put(null); // sentinel
}

function consumer(q: Queue<number | null>, seen: SharedArray) {
  let maxQueued = 0;
  for (;;) {
    maxQueued = Math.max(maxQueued, q.qsize());
    const item = q.get();
    if (item === null) break;
    seen.add(item, 1); // process(item)
    q.taskDone();
  }
  console.log(`consumer done; the queue never held more than ${maxQueued} items`);
}

const threads = [
  new Thread({ target: producer, args: [q] }),
  new Thread({ target: consumer, args: [q, seen] }),
];
for (const t of threads) t.start();
for (const t of threads) t.join();

const counts = Array.from({ length: 1000 }, (_, i) => seen.get(i));
console.log(`processed ${counts.reduce((a, b) => a + b, 0)} items; ${q.unfinishedTasks} unfinished task (the sentinel, never marked done)`);
check(counts.every((c) => c === 1), 'every item 0..999 should be processed exactly once');
