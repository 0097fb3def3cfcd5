/**
 * The two modes of the executor figure, seen round by round. A warm `ThreadPoolExecutor(2)` on 2
 * cores settles, per round, either in a fast mode (about 1.2–1.5 µs a task here: one pool thread
 * takes nearly every task, the other stays parked) or a slow one (2.5–3.5 µs: both take turns,
 * park ~1,000 times per 20K tasks, and the main thread wakes them). This runs the executor
 * workload (N no-op tasks submitted, then every result) in several fresh processes, prints each
 * warm round's time per task with, per thread, its CPU per task and its voluntary context
 * switches (each park is one), and ends with the share of rounds in the fast mode and the
 * quartiles — the figure to compare when a change aims at the slow mode (a median of a few runs
 * is a coin toss between the modes). Linux only (`/proc/self/task`).
 *
 *   node src/executor-modes.mjs [workers|wasm|native] [processes, default 8] [tasks per round, default 20000]
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const backendName = process.argv[2] ?? 'workers';
const PROCESSES = Number(process.argv[3] ?? 8);
const N = Number(process.argv[4] ?? 20000);
/** Rounds per process, and the first ones left out: V8 compiles the task path in each isolate over the first ~100K tasks. */
const ROUNDS = 16;
const WARM_ROUNDS = 6;
/** A round faster than this (ns per task) counts as the fast mode. */
const FAST_NS = 1800;

/** Per thread of this process, by tid: [CPU ns, voluntary context switches]. */
function threadStats() {
  const stats = new Map();
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      const cpu = Number(readFileSync(`/proc/self/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
      const switches = Number(/voluntary_ctxt_switches:\s+(\d+)/.exec(readFileSync(`/proc/self/task/${tid}/status`, 'utf8'))[1]);
      stats.set(tid, [cpu, switches]);
    } catch {
      // The thread ended meanwhile.
    }
  }
  return stats;
}

/** One process's rounds: prints a line per warm round and a last line of the round times. */
async function child() {
  const { ThreadPoolExecutor } = await import(`@threadkit/backend-${backendName}`);
  const pool = new ThreadPoolExecutor(2);
  const times = [];
  for (let round = 0; round < ROUNDS; round++) {
    const before = threadStats();
    const t0 = performance.now();
    const futures = [];
    for (let i = 0; i < N; i++) futures.push(pool.submit(() => {}));
    for (const future of futures) future.result();
    const ns = ((performance.now() - t0) * 1e6) / N;
    const after = threadStats();
    if (round < WARM_ROUNDS) continue;
    times.push(Math.round(ns));
    const threads = [...after]
      .map(([tid, [cpu, switches]]) => [tid, (cpu - (before.get(tid)?.[0] ?? 0)) / N, switches - (before.get(tid)?.[1] ?? 0)])
      .filter(([, cpu]) => cpu >= 50)
      .sort((a, b) => b[1] - a[1])
      .map(([tid, cpu, switches]) => `${tid === String(process.pid) ? 'main' : tid}: ${Math.round(cpu)} ns, ${switches} parks`);
    console.log(`  ${Math.round(ns)} ns/task ${ns < FAST_NS ? '(fast)' : '(slow)'} | ${threads.join(' | ')}`);
  }
  pool.shutdown();
  console.log(`rounds ${times.join(' ')}`);
}

if (process.env.EXECUTOR_MODES_CHILD === '1') {
  await child();
} else {
  const all = [];
  for (let p = 0; p < PROCESSES; p++) {
    const out = execFileSync(process.execPath, [fileURLToPath(import.meta.url), backendName, '1', String(N)], {
      encoding: 'utf8',
      env: { ...process.env, EXECUTOR_MODES_CHILD: '1' },
    });
    console.log(`process ${p + 1}:`);
    console.log(out.replace(/^rounds .*\n?/m, '').trimEnd());
    all.push(...(/^rounds (.*)$/m.exec(out)?.[1] ?? '').split(' ').filter(Boolean).map(Number));
  }
  all.sort((a, b) => a - b);
  const at = (q) => all[Math.floor(q * (all.length - 1))];
  const fast = all.filter((ns) => ns < FAST_NS).length;
  console.log(
    `${backendName}: ${all.length} warm rounds of ${N} tasks; fast mode (< ${FAST_NS} ns) in ${Math.round((100 * fast) / all.length)}%; ` +
      `quartiles ${at(0.25)} / ${at(0.5)} / ${at(0.75)} ns per task`,
  );
}
