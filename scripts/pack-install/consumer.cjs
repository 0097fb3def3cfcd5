// CJS consumer of the installed packages (run by scripts/pack-install-test.sh in a scratch
// project): threads under a Lock writing to a Queue, then a ThreadPoolExecutor.
const { Lock, Queue, Thread, ThreadPoolExecutor } = require('@threadkit/backend-workers');

const THREADS = 4;
const ROUNDS = 50;

/** Checks made (scripts/pack-install-test.sh adds them up). */
let checks = 0;

function check(ok, what) {
  if (!ok) throw new Error(`pack-install (cjs): mismatch: ${what}`);
  checks++;
}

// Each round writes an enter/leave pair while holding the lock: under mutual exclusion the
// pairs never interleave in the queue.
function critical(id, rounds, lock, q) {
  for (let i = 0; i < rounds; i++) {
    lock.acquire();
    try {
      q.put(['enter', id, i]);
      q.put(['leave', id, i]);
    } finally {
      lock.release();
    }
  }
}

function sumSquares(n) {
  let s = 0;
  for (let i = 1; i <= n; i++) s += i * i;
  return s;
}

function takeOne(q) {
  return q.get();
}

const lock = new Lock();
const q = new Queue();
const threads = Array.from({ length: THREADS }, (_, id) => new Thread({ target: critical, args: [id, ROUNDS, lock, q] }));
for (const t of threads) t.start();
for (const t of threads) t.join();
check(threads.every((t) => !t.isAlive()), 'all threads finished');
check(!lock.locked(), 'lock released');
check(q.qsize() === 2 * THREADS * ROUNDS, `queue holds ${2 * THREADS * ROUNDS} items (got ${q.qsize()})`);
const seen = new Set();
while (!q.empty()) {
  const [enter, id, i] = q.get();
  const [leave, id2, i2] = q.get();
  check(enter === 'enter' && leave === 'leave' && id === id2 && i === i2, `pair ${id}:${i} not interleaved`);
  check(!seen.has(`${id}:${i}`), `item ${id}:${i} once`);
  seen.add(`${id}:${i}`);
}
check(seen.size === THREADS * ROUNDS, 'no item lost');
console.log(`cjs: ${THREADS} threads made ${seen.size} locked rounds through one queue`);

const executor = new ThreadPoolExecutor(2);
const futures = [10, 100, 1000, 10000].map((n) => executor.submit(sumSquares, n));
const results = futures.map((f) => f.result());
check(JSON.stringify(results) === JSON.stringify([10, 100, 1000, 10000].map(sumSquares)), `executor results ${results}`);
q.put('through the pool');
const fromPool = executor.submit(takeOne, q).result();
check(fromPool === 'through the pool', `a pool thread got the same queue (got ${fromPool})`);
executor.shutdown();
console.log(`cjs: executor computed ${results.join(', ')} and read '${fromPool}' from the shared queue`);
console.log(`checks: ${checks}`);
console.log('cjs: ok');
