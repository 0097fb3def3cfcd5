// threadkit in one page: threads, a lock, a queue and an executor at work.
// Run: npm run demo  (after npm ci)
import {
  Thread, Lock, Queue, Value, ThreadPoolExecutor, currentThread,
} from '@threadkit/backend-workers';

// 1. Four threads add to one shared counter under one lock: the total is exact.
const lock = new Lock();
const counter = new Value('i', 0);
const adders = [1, 2, 3, 4].map((n) => new Thread({
  name: `adder-${n}`,
  target: (lock, counter, times) => {
    for (let i = 0; i < times; i++) {
      lock.acquire();
      counter.value += 1; // a plain read-modify-write: safe only under the lock
      lock.release();
    }
  },
  args: [lock, counter, 25_000],
}));
adders.forEach((t) => t.start());
adders.forEach((t) => t.join());
console.log(`counter = ${counter.value} (4 threads x 25000 increments under ${lock})`);

// 2. A producer and two consumers on a bounded queue, ended by sentinels.
const q = new Queue(10);
const results = new Queue();
const producer = new Thread({
  name: 'producer',
  target: (q, n) => {
    for (let i = 1; i <= n; i++) q.put(i);
    q.put(null); q.put(null); // one sentinel per consumer
  },
  args: [q, 100],
});
const consumers = ['consumer-1', 'consumer-2'].map((name) => new Thread({
  name,
  target: (q, results) => {
    let sum = 0, count = 0;
    for (let item = q.get(); item !== null; item = q.get()) { sum += item; count++; }
    results.put([currentThread().name, count, sum]);
  },
  args: [q, results],
}));
[producer, ...consumers].forEach((t) => t.start());
[producer, ...consumers].forEach((t) => t.join());
let total = 0;
while (!results.empty()) {
  const [name, count, sum] = results.get();
  console.log(`${name} consumed ${count} items (sum ${sum})`);
  total += sum;
}
console.log(`all items consumed once: sum ${total} (expected ${100 * 101 / 2})`);

// 3. An executor runs CPU-bound work on a pool; results come back in order.
const fib = (n) => (n < 2 ? n : fib(n - 1) + fib(n - 2));
const pool = new ThreadPoolExecutor(2); // in TypeScript: `using pool = new ThreadPoolExecutor(2)`
try {
  const t0 = performance.now();
  const values = [...pool.map((n) => { const fib = (k) => (k < 2 ? k : fib(k - 1) + fib(k - 2)); return fib(n); }, [25, 26, 27, 28])];
  console.log(`executor map fib(25..28) = ${values.join(', ')} in ${(performance.now() - t0).toFixed(0)} ms`);
  const future = pool.submit((a, b) => a * b, 6, 7);
  console.log(`submit(6 * 7) -> ${await future}  ${future}`);
} finally {
  pool.shutdown();
}
const ok = counter.value === 100_000 && total === 5050 && fib(10) === 55;
console.log(ok ? 'demo OK' : 'demo FAILED');
process.exitCode = ok ? 0 : 1;
