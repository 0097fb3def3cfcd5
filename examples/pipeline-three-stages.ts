// Ports seed 003 ("Going Parallel"), Pipelining: `stage1` generates "Data-0".."Data-9" into q1,
// `stage2` appends "_transformed" into q2, `stage3` saves; `None` flows through to stop each stage.
// Lesson: each stage is its own thread joined to the next by a queue, so the stages work on
// different items at the same time; with one thread per stage, items arrive in order.
import { Thread, Queue } from '#threading';
import { check } from './lib/check';

function stage1(inputQueue: null, outputQueue: Queue<string | null>) {
  for (let i = 0; i < 10; i++) outputQueue.put(`Data-${i}`);
  outputQueue.put(null);
}

function stage2(inputQueue: Queue<string | null>, outputQueue: Queue<string | null>) {
  for (;;) {
    const item = inputQueue.get();
    if (item === null) {
      outputQueue.put(null);
      break;
    }
    const transformed = item + '_transformed';
    outputQueue.put(transformed);
  }
}

function stage3(inputQueue: Queue<string | null>, saved: Queue<string>) {
  for (;;) {
    const item = inputQueue.get();
    if (item === null) break;
    console.log(`Saving ${item}`);
    saved.put(item); // "persist": here, hand it back to main for the check
  }
}

const q1 = new Queue<string | null>();
const q2 = new Queue<string | null>();
const saved = new Queue<string>();

const t1 = new Thread({ target: stage1, args: [null, q1] });
const t2 = new Thread({ target: stage2, args: [q1, q2] });
const t3 = new Thread({ target: stage3, args: [q2, saved] });

t1.start();
t2.start();
t3.start();

t1.join();
t2.join();
t3.join();

const items: string[] = [];
while (!saved.empty()) items.push(saved.get());
const expected = Array.from({ length: 10 }, (_, i) => `Data-${i}_transformed`);
check(items.join() === expected.join(), `the pipeline should deliver all 10 items in order, got ${items.join()}`);
