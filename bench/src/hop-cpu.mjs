/**
 * What one hand-off to an idle thread costs in CPU, not only in time: a tiny task submitted to a
 * `ThreadPoolExecutor(2)` of backend `<name>` and awaited, against a plain `worker_threads` hop
 * with raw `Atomics` (the worker blocked in `Atomics.wait`, main awaiting `Atomics.waitAsync`),
 * each after 1 ms of idleness, in turns. CPU per hop is read from each thread's
 * `/proc/self/task/<tid>/schedstat` (Linux only), split into the main thread, the threads the hop
 * created (the pool's, or the raw worker) and the rest (V8's helper threads: GC and compilers).
 *
 *   node src/hop-cpu.mjs [workers|wasm|native] [hops per round, default 500] [rounds, default 3]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';

const backendName = process.argv[2] ?? 'workers';
const HOPS = Number(process.argv[3] ?? 500);
const ROUNDS = Number(process.argv[4] ?? 3);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** CPU time (µs) of each thread of this process, by tid. */
function cpuByThread() {
  const cpu = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      cpu.set(tid, Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]) / 1e3);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return cpu;
}

/** Runs `hop` HOPS times with 1 ms of idleness before each; median µs and CPU µs per hop by role. */
async function measure(hop, ownThreads) {
  const before = cpuByThread();
  const times = [];
  for (let i = 0; i < HOPS; i++) {
    await sleep(1);
    const t0 = performance.now();
    await hop(i);
    times.push((performance.now() - t0) * 1000);
  }
  const after = cpuByThread();
  const per = (tid) => ((after.get(tid) ?? 0) - (before.get(tid) ?? 0)) / HOPS;
  const main = per(String(process.pid));
  let own = 0;
  let rest = 0;
  for (const tid of after.keys()) if (tid !== String(process.pid)) (ownThreads.has(tid) ? (own += per(tid)) : (rest += per(tid)));
  times.sort((a, b) => a - b);
  return { median: times[times.length >> 1], main, own, rest };
}

/** The tids that appeared while `start()` ran (the threads it created). */
async function newThreads(start) {
  const before = new Set(cpuByThread().keys());
  const result = await start();
  return { result, tids: new Set([...cpuByThread().keys()].filter((tid) => !before.has(tid))) };
}

// threadkit: a tiny task module-export on a warmed pool of 2 (both threads started).
const { ThreadPoolExecutor, task } = await import(`@threadkit/backend-${backendName}`);
const add = task(new URL('./dist-tasks.mjs', import.meta.url).href, 'add');
const { result: pool, tids: poolTids } = await newThreads(async () => {
  const pool = new ThreadPoolExecutor(2);
  for (let i = 0; i < 20; i++) await Promise.all([pool.submit(add, i, 1), pool.submit(add, i, 2), pool.submit(add, i, 3)]);
  return pool;
});

// raw: one worker answering each notify.
const sab = new SharedArrayBuffer(8);
const i32 = new Int32Array(sab);
let n = 0;
async function rawHop() {
  Atomics.store(i32, 0, ++n);
  Atomics.notify(i32, 0);
  while (Atomics.load(i32, 1) !== n) {
    const r = Atomics.waitAsync(i32, 1, n - 1);
    if (r.async) await r.value;
  }
}
const { result: raw, tids: rawTids } = await newThreads(async () => {
  const worker = new Worker(
    `const { workerData: sab } = require('node:worker_threads'); const i32 = new Int32Array(sab); let seen = 0;
     for (;;) { Atomics.wait(i32, 0, seen); seen = Atomics.load(i32, 0); if (seen < 0) break; Atomics.store(i32, 1, seen); Atomics.notify(i32, 1); }`,
    { eval: true, workerData: sab },
  );
  await rawHop(); // answered: the worker is up
  return worker;
});
const tkHop = async (i) => {
  if ((await pool.submit(add, i, 1)) !== i + 1) throw new Error('wrong result');
};

for (let i = 0; i < 50; i++) {
  await rawHop();
  await tkHop(i);
}
const fmt = (r) => `median ${r.median.toFixed(0)} µs | CPU per hop: main ${r.main.toFixed(0)} µs, hop's thread(s) ${r.own.toFixed(0)} µs, other ${r.rest.toFixed(0)} µs, all ${(r.main + r.own + r.rest).toFixed(0)} µs`;
for (let round = 0; round < ROUNDS; round++) {
  console.log(`raw worker_threads + Atomics      ${fmt(await measure(rawHop, rawTids))}`);
  console.log(`threadkit (${backendName}) pool submit ${fmt(await measure(tkHop, poolTids))}`);
}
Atomics.store(i32, 0, -1);
Atomics.notify(i32, 0);
await raw.terminate();
pool.shutdown();
