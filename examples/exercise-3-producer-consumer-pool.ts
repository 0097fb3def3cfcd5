// Ports seed 002 ("Threads in Python"), Practice Exercise 3: a pool of producers fills a Queue,
// a pool of consumers drains it, and a sentinel value shuts the consumers down cleanly.
// Lesson: with several consumers, put one sentinel per consumer — and only after every producer
// has finished — so each consumer stops exactly once and no item is left behind.
import { Thread, Queue, SharedArray, currentThread } from '#threading';
import { check } from './lib/check';

const PRODUCERS = 3;
const CONSUMERS = 4;
const PER_PRODUCER = 200;
const STOP = null; // the sentinel

function producer(q: Queue<number | null>, first: number, count: number) {
  for (let i = first; i < first + count; i++) q.put(i);
}

function consumer(q: Queue<number | null>, seen: SharedArray) {
  let n = 0;
  for (let item = q.get(); item !== null; item = q.get()) {
    seen.add(item, 1);
    n++;
    q.taskDone();
  }
  q.taskDone(); // the sentinel is a task too
  console.log(`${currentThread().name} consumed ${n} items`);
}

const q = new Queue<number | null>(50);
const seen = new SharedArray('i', PRODUCERS * PER_PRODUCER);
const producers = Array.from({ length: PRODUCERS }, (_, p) =>
  new Thread({ name: `producer-${p}`, target: producer, args: [q, p * PER_PRODUCER, PER_PRODUCER] }));
const consumers = Array.from({ length: CONSUMERS }, (_, c) =>
  new Thread({ name: `consumer-${c}`, target: consumer, args: [q, seen] }));

for (const t of [...producers, ...consumers]) t.start();
for (const t of producers) t.join(); // all items are in the queue (or already consumed)
for (let c = 0; c < CONSUMERS; c++) q.put(STOP); // one sentinel per consumer
q.join(); // every item and sentinel marked done
for (const t of consumers) t.join();

const counts = Array.from({ length: seen.length }, (_, i) => seen.get(i));
console.log(`${counts.length} items produced by ${PRODUCERS} producers, consumed by ${CONSUMERS} consumers; clean shutdown`);
check(counts.every((c) => c === 1), 'every item should be consumed exactly once');
check(consumers.every((t) => !t.isAlive()), 'every consumer should have stopped at its sentinel');
