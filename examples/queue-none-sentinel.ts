// Ports seed 003 ("Going Parallel"), Queue for Thread Coordination: `producer(q, 5)` puts
// "Item-0".."Item-4" then a `None` sentinel; `consumer(q)` prints each until the sentinel.
// Lesson: the queue does all the locking; get() blocks until an item arrives, and the sentinel
// tells the consumer that production is over. (Delays are halved: 50 ms and 100 ms.)
import { Thread, Queue, sleep } from '#threading';
import { check } from './lib/check';

function producer(q: Queue<string | null>, count: number) {
  for (let i = 0; i < count; i++) {
    const item = `Item-${i}`;
    q.put(item);
    console.log(`Produced ${item}`);
    sleep(50);
  }
  // Signal that production is done
  q.put(null);
}

function consumer(q: Queue<string | null>, consumed: Queue<string>) {
  for (;;) {
    const item = q.get();
    if (item === null) break;
    console.log(`Consumed ${item}`);
    consumed.put(item);
    sleep(100);
  }
}

const q = new Queue<string | null>();
const consumed = new Queue<string>(); // what the consumer saw, for the check
const prodThread = new Thread({ target: producer, args: [q, 5] });
const consThread = new Thread({ target: consumer, args: [q, consumed] });

prodThread.start();
consThread.start();

prodThread.join();
consThread.join();
console.log('All work completed');

const items: string[] = [];
while (!consumed.empty()) items.push(consumed.get());
check(items.join() === 'Item-0,Item-1,Item-2,Item-3,Item-4', `every item consumed once, in order: got ${items.join()}`);
