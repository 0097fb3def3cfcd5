// Ports seed 003 ("Going Parallel"), Work Stealing: "each worker maintains its own queue, but idle
// workers can 'steal' tasks from other workers" — simulated with one Queue per worker.
// Lesson: the tasks are dealt out unevenly (worker 0 gets most of them); workers that run out
// take tasks from the others' queues instead of sitting idle, so all finish at about
// the same time and every task runs exactly once.
import { Thread, Queue, SharedArray, Value, sleep } from '#threading';
import { check } from './lib/check';
import { warmUp } from './lib/warm-up';

const WORKERS = 4;
const TASKS = 40;

function worker(me: number, queues: Queue<number>[], done: SharedArray, steals: Value) {
  const run = (task: number) => {
    sleep(10); // the task's work
    done.add(task, 1);
  };
  let ran = 0;
  let stolen = 0;
  for (;;) {
    let task: number | undefined;
    try {
      task = queues[me].getNowait(); // own queue first
    } catch {
      for (let k = 1; k < queues.length && task === undefined; k++) {
        try {
          task = queues[(me + k) % queues.length].getNowait(); // steal from a victim
          stolen++;
        } catch {} // that one is empty too
      }
    }
    if (task === undefined) break; // nothing left anywhere: all tasks were dealt before we started
    run(task);
    ran++;
  }
  steals.add(stolen);
  console.log(`worker ${me} ran ${ran} tasks (${stolen} stolen)`);
}

const queues = Array.from({ length: WORKERS }, () => new Queue<number>());
for (let task = 0; task < TASKS; task++) {
  queues[task < 30 ? 0 : 1 + (task % (WORKERS - 1))].put(task); // worker 0 gets 30 of the 40
}
const done = new SharedArray('i', TASKS);
const steals = new Value('i', 0);
warmUp(WORKERS); // boot the workers first, so all 4 start together (see lib/warm-up.ts)
const t0 = performance.now();
const threads = queues.map((_, me) => new Thread({ target: worker, args: [me, queues, done, steals] }));
for (const t of threads) t.start();
for (const t of threads) t.join();
const elapsed = performance.now() - t0;

console.log(`${TASKS} tasks of 10 ms on ${WORKERS} workers in ${elapsed.toFixed(0)} ms, ${steals.value} stolen`);
const counts = Array.from({ length: TASKS }, (_, i) => done.get(i));
check(counts.every((c) => c === 1), 'every task should run exactly once');
check(steals.value > 0, 'idle workers should have stolen tasks from worker 0');
