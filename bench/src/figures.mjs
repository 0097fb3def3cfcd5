/**
 * The figures of issue 6: workload sizes (full run / --quick), the anchors each is compared
 * with, and the goals. Every figure is measured for each installed threadkit backend (`tk`) and
 * for its anchors: `cpython`, `raw` (plain worker_threads + Atomics), `piscina`, `tinypool`.
 *
 * kinds: 'time' (ns per operation, lower is better), 'bytes' (lower is better), 'factor'
 * (a speed-up, higher is better). A ratio "vs X" is always threadkit's advantage: X / threadkit
 * for time and bytes (2× = threadkit takes half the time or memory), so > 1 means threadkit wins.
 */

/** A goal on threadkit's advantage over anchor `vs` (≥ min); `show` words the measured ratio. */
const ratioGoal = (vs, min, text, show = fmtRatio) => ({
  text,
  check: (m) => {
    const r = m.ratio(vs);
    return r === undefined ? { measured: `no ${vs} figure`, met: undefined } : { measured: show(r), met: r >= min };
  },
  vs,
  min,
});

/** Words a ratio over a raw anchor as threadkit's time in units of the raw row's. */
function withinRaw(r) {
  return `${(1 / r).toFixed(2)}× raw’s time`;
}

export function fmtRatio(r) {
  return `${r >= 10 ? r.toFixed(0) : r >= 1 ? r.toFixed(2) : r.toPrecision(2)}×`;
}

export const FIGURES = [
  {
    id: 'lock-uncontended',
    title: 'lock, uncontended',
    workload: 'acquire + release in a loop (one thread)',
    kind: 'time',
    n: { full: 2_000_000, quick: 2_000 },
    anchors: { cpython: 'CPython `with lock: pass`', raw: 'raw Atomics.compareExchange + store' },
    goals: [ratioGoal('cpython', 5, '≥ 5× CPython'), ratioGoal('raw', 0.5, '≥ 50% of the raw CAS limit', (r) => `${(100 * r).toFixed(0)}% of raw`)],
  },
  {
    id: 'lock-contended',
    title: 'lock, contended',
    workload: '2 threads × N increments of a shared counter under one lock (time per increment)',
    kind: 'time',
    n: { full: 300_000, quick: 500 },
    anchors: { cpython: 'CPython, 2 threads', raw: 'raw futex lock, 2 workers' },
    goals: [ratioGoal('cpython', 2, '≥ 2× CPython'), ratioGoal('raw', 1 / 1.3, 'within 1.3× of the raw futex lock', withinRaw)],
  },
  {
    id: 'pingpong-event',
    title: 'ping-pong, Event',
    workload: 'main ↔ thread bounce two Events (set / wait / clear); time per round trip',
    kind: 'time',
    n: { full: 5_000, quick: 50 },
    anchors: { cpython: 'CPython Events', raw: 'raw Atomics.wait/notify' },
    goals: [ratioGoal('cpython', 2, 'round trip ≤ ½ CPython’s', (r) => `${(1 / r).toFixed(2)} of CPython’s`), ratioGoal('raw', 1 / 1.5, 'within 1.5× of raw wait/notify', withinRaw)],
  },
  {
    id: 'pingpong-condition',
    title: 'ping-pong, Condition',
    workload: 'main ↔ thread hand a turn back and forth under one Condition; time per round trip',
    kind: 'time',
    n: { full: 5_000, quick: 50 },
    anchors: { cpython: 'CPython Condition', raw: 'raw Atomics.wait/notify' },
    goals: [ratioGoal('cpython', 2, 'round trip ≤ ½ CPython’s', (r) => `${(1 / r).toFixed(2)} of CPython’s`), ratioGoal('raw', 1 / 1.5, 'within 1.5× of raw wait/notify', withinRaw)],
  },
  {
    id: 'queue',
    title: 'queue, cross-thread',
    workload: 'producer thread → main, small ints, Queue(maxsize=64); time per item',
    kind: 'time',
    n: { full: 50_000, quick: 500, raw: [100_000, 500] },
    anchors: { cpython: 'CPython queue.Queue(64)', raw: 'MessagePort (unbounded, async)' },
    goals: [ratioGoal('cpython', 2, '≥ 2× CPython'), ratioGoal('raw', 1, 'at least as fast as a MessagePort')],
  },
  {
    id: 'executor',
    title: 'executor, tiny tasks',
    workload: 'submit N no-op tasks to a 2-thread pool, wait for all; time per task; after 10 warm-up rounds (100K tasks: V8 compiles the task path in each of the 3 isolates, and the first ~100K tasks run 2× slower), every contender alike',
    kind: 'time',
    n: { full: 10_000, quick: 100 },
    warmups: 10,
    anchors: { cpython: 'CPython ThreadPoolExecutor(2)', piscina: 'piscina, 2 threads', tinypool: 'tinypool, 2 threads' },
    goals: [ratioGoal('cpython', 2, '≥ 2× CPython'), ratioGoal('cpython', 5, '≥ 5× CPython (issue 11)'), ratioGoal('piscina', 1.5, '≥ 1.5× piscina')],
  },
  // Issue 15's production controls, threadkit only: what submitWith's options cost against a plain
  // submit (both timed alternately in each sample), and how long after its deadline a task's
  // future fails — cooperatively (the task checks its signal) and by a hard stop (killAfter: 0).
  {
    id: 'executor-options',
    title: 'executor, submitWith options',
    workload: 'the executor workload with submit vs submitWith({ signal, timeout, priority }), best of 3 alternating runs each; plain time ÷ options time (1 = free)',
    kind: 'factor',
    n: { full: 10_000, quick: 100 },
    anchors: {},
    goals: [
      {
        text: 'options cost < 10% (≥ 0.91)',
        check: (m) => ({ measured: fmtRatio(m.value()), met: m.value() >= 1 / 1.1 }),
        self: 1 / 1.1,
      },
    ],
  },
  {
    id: 'timeout-to-failure',
    title: 'executor, timeout → future fails',
    workload: 'a synchronous endless loop submitted with timeout 20 ms and killAfter 0: ms from its deadline to its future failing (TimeoutError), median of N; extra: the same for a loop that checks taskSignal()',
    kind: 'time',
    n: { full: 5, quick: 1 },
    anchors: {},
    goals: [],
  },
  {
    id: 'thread-start',
    title: 'thread start + join',
    workload: 'start and join a no-op thread, N times in a row; time per thread',
    kind: 'time',
    n: { full: 500, quick: 5, raw: [15, 2] },
    anchors: { cpython: 'CPython Thread', raw: 'raw new Worker + exit' },
    goals: [ratioGoal('cpython', 1, 'no slower than CPython')],
  },
  // The diagnostics' costs (issue 14): the same workloads with stacks recorded at each wait that
  // blocks (and at each submit), with the deadlock watch on, and with a trace recording. Compare with the plain rows above (and a build from
  // before the diagnostics, through BENCH_EXTRA_BACKENDS).
  {
    id: 'lock-contended-stacks',
    title: 'lock, contended, stacks on',
    workload: 'the lock-contended workload with setDumpStacks(true): a stack captured at each wait that blocks',
    kind: 'time',
    n: { full: 300_000, quick: 500 },
    anchors: {},
    goals: [],
  },
  {
    id: 'lock-contended-watch',
    title: 'lock, contended, deadlock watch on',
    workload: "the lock-contended workload with setDeadlockMode('raise'): a cycle check at each wait that blocks",
    kind: 'time',
    n: { full: 300_000, quick: 500 },
    anchors: {},
    goals: [],
  },
  {
    id: 'lock-contended-trace',
    title: 'lock, contended, tracing on',
    workload: 'the lock-contended workload between startTrace() and stopTrace(): a wait span at each wait that blocks',
    kind: 'time',
    n: { full: 300_000, quick: 500 },
    anchors: {},
    goals: [],
  },
  {
    id: 'executor-trace',
    title: 'executor, tiny tasks, tracing on',
    workload: 'the executor workload between startTrace() and stopTrace(): a submit span, a flow and a task span per task',
    kind: 'time',
    n: { full: 10_000, quick: 100 },
    anchors: {},
    goals: [],
  },
  {
    id: 'executor-stacks',
    title: 'executor, tiny tasks, stacks on',
    workload: "the executor workload with setDumpStacks(true): each submit's stack kept for its task's error",
    kind: 'time',
    n: { full: 10_000, quick: 100 },
    anchors: {},
    goals: [],
  },
  {
    id: 'pingpong-event-stacks',
    title: 'ping-pong, Event, stacks on',
    workload: 'the pingpong-event workload with setDumpStacks(true) (every wait parks: a stack each)',
    kind: 'time',
    n: { full: 5_000, quick: 50 },
    anchors: {},
    goals: [],
  },
  // The 8-thread figures run after the others: they leave 8 idle warm workers in each process,
  // and a process with idle workers hands off more slowly (the queue figure: ~1.3 µs → 2.6–3.2 µs).
  {
    id: 'lock-contended-8',
    title: 'lock, contended, 8 threads',
    workload: '8 threads × N increments of a shared counter under one lock, on this machine’s cores (oversubscribed); time per increment',
    kind: 'time',
    n: { full: 40_000, quick: 100 },
    anchors: { cpython: 'CPython, 8 threads' },
    goals: [ratioGoal('cpython', 1, 'no slower than CPython')],
  },
  {
    id: 'queue-8',
    title: 'queue, 8 threads',
    workload: '4 producer threads → 4 consumer threads, small ints, one Queue(maxsize=64), on this machine’s cores (oversubscribed); time per item',
    kind: 'time',
    n: { full: 40_000, quick: 400 },
    anchors: { cpython: 'CPython queue.Queue(64), 8 threads' },
    goals: [ratioGoal('cpython', 1, 'no slower than CPython')],
  },
  {
    id: 'cpu-scaling',
    title: 'CPU scaling',
    workload: "the seeds' crunch (Σ i², i < n) × 4 on a 1-thread vs a 2-thread pool, best of 3 alternating runs each; speed-up",
    kind: 'factor',
    n: { full: 100_000_000, quick: 100_000, cpython: [2_000_000, 20_000] },
    anchors: { cpython: 'CPython (the GIL)', piscina: 'piscina', tinypool: 'tinypool', raw: 'raw worker_threads, crunch inline (the machine’s ceiling)' },
    goals: [
      {
        text: '≥ 1.9× on 2 cores',
        check: (m) => ({ measured: fmtRatio(m.value()), met: m.value() >= 1.9 }),
        self: 1.9,
      },
    ],
  },
  {
    id: 'fork-join-sort',
    title: 'fork/join merge sort',
    workload:
      "merge sort of n doubles in shared memory on a 2-thread pool, 16 leaves sorted by the typed array's sort, then merged — threadkit: each task forks its left half into its own pool and joins it with result(); piscina/tinypool: the same split by hand from the main thread (leaves, then merges level by level); speed-up over one thread's Float64Array.prototype.sort, best of 3 alternating runs",
    kind: 'factor',
    n: { full: 10_000_000, quick: 100_000 },
    anchors: { piscina: 'piscina, split by hand', tinypool: 'tinypool, split by hand' },
    goals: [
      {
        text: '≥ 1.7× on 2 cores',
        check: (m) => ({ measured: fmtRatio(m.value()), met: m.value() >= 1.7 }),
        self: 1.7,
      },
    ],
  },
  {
    id: 'rss-thread',
    title: 'memory: RSS per idle thread',
    workload: 'k threads blocked waiting; (RSS after − RSS before) / k, fresh process each sample',
    kind: 'bytes',
    fresh: true,
    // 32, not fewer: the first threads of a process also page in shared code of the node binary
    // (several MiB, once per process, for threadkit and the bare anchor alike), which a small k
    // would charge to each thread.
    n: { full: 32, quick: 2 },
    anchors: { cpython: 'CPython Thread', raw: 'bare worker (ES module file, blocked in Atomics.wait)' },
    goals: [ratioGoal('raw', 1 / 1.05, 'within 5% of a bare worker’s', (r) => `${(1 / r).toFixed(2)}× a bare worker’s`)],
  },
  {
    id: 'bytes-lock',
    title: 'memory: bytes per Lock',
    workload: 'k locks made back to back in a fresh process; shared-heap bytes per Lock',
    kind: 'bytes',
    fresh: true,
    n: { full: 1_000, quick: 100, raw: [10_000, 100] },
    anchors: { cpython: 'CPython Lock (tracemalloc)', raw: 'a SharedArrayBuffer of its own' },
    goals: [
      {
        text: '≤ 64 bytes',
        check: (m) => ({ measured: `${Math.round(m.value())} B`, met: m.value() <= 64 }),
        budget: 64,
      },
    ],
  },
  {
    id: 'bytes-queue',
    title: 'memory: bytes per Queue',
    workload: 'k empty Queue() made back to back in a fresh process; shared-heap bytes per Queue',
    kind: 'bytes',
    fresh: true,
    n: { full: 1_000, quick: 100 },
    anchors: { cpython: 'CPython queue.Queue (tracemalloc)' },
    goals: [],
  },
  {
    id: 'churn-queue',
    title: 'memory: after 1M Queue create-drop cycles',
    workload: 'Queue(), put, get, drop, N times in a synchronous loop (fresh process); heap bytes still in use after (threadkit: shared heap; CPython: tracemalloc), RSS growth alongside',
    kind: 'bytes',
    fresh: true,
    rounds: 2,
    n: { full: 1_000_000, quick: 2_000 },
    anchors: { cpython: 'CPython queue.Queue' },
    goals: [flatGoal()],
  },
  {
    id: 'churn-submit',
    title: 'memory: after 1M executor submits',
    workload: 'submit N no-op tasks to a 2-thread pool from a synchronous loop, at most 1000 in flight, results consumed (fresh process); heap bytes still in use after, RSS growth alongside',
    kind: 'bytes',
    fresh: true,
    rounds: 2,
    n: { full: 1_000_000, quick: 2_000, cpython: [200_000, 2_000] },
    anchors: { cpython: 'CPython ThreadPoolExecutor(2)' },
    goals: [flatGoal()],
  },
  // The distributed figures (issue 16): a DistributedExecutor vs BullMQ used directly, through a
  // private redis-server to worker processes. Not in --quick (each starts Redis and workers).
  {
    id: 'dist-tiny',
    title: 'distributed, tiny tasks',
    workload: 'N tiny tasks submitted at once through Redis to 1 worker process × 2 threads, all awaited; time per task (tasks/s = 10⁹ / it)',
    kind: 'time',
    distributed: true,
    n: { full: 2_000, quick: 20 },
    anchors: { bullmq: 'BullMQ directly (addBulk + waitUntilFinished)', local: 'local ThreadPoolExecutor(2), no Redis' },
    goals: [ratioGoal('bullmq', 1 / 1.15, 'overhead ≤ 15% over raw BullMQ', overBullmq)],
  },
  {
    id: 'dist-tiny-2p',
    title: 'distributed, tiny tasks, 2 workers',
    workload: 'N tiny tasks submitted at once through Redis to 2 worker processes × 2 threads, all awaited; time per task',
    kind: 'time',
    distributed: true,
    n: { full: 2_000, quick: 20 },
    anchors: { bullmq: 'BullMQ directly, 2 worker processes (concurrency 2)', local: 'local ThreadPoolExecutor(4), no Redis' },
    goals: [ratioGoal('bullmq', 1 / 1.15, 'overhead ≤ 15% over raw BullMQ', overBullmq)],
  },
  {
    id: 'dist-latency',
    title: 'distributed, submit → result',
    workload: 'one tiny task at a time, submit to result, through Redis to 1 worker process; time per round trip',
    kind: 'time',
    distributed: true,
    n: { full: 300, quick: 5 },
    anchors: { bullmq: 'BullMQ directly (add + waitUntilFinished)', local: 'local ThreadPoolExecutor(2), no Redis' },
    goals: [ratioGoal('bullmq', 1 / 1.15, 'overhead ≤ 15% over raw BullMQ', overBullmq)],
  },
  {
    id: 'dist-cpu',
    title: 'distributed, CPU tasks',
    workload: '4 × crunch(N) through Redis to 2 worker processes × 1 thread; time per task',
    kind: 'time',
    distributed: true,
    n: { full: 100_000_000, quick: 1_000 },
    anchors: { bullmq: 'BullMQ directly, 2 worker processes', local: 'local ThreadPoolExecutor(2), no Redis' },
    goals: [ratioGoal('bullmq', 1 / 1.15, 'overhead ≤ 15% over raw BullMQ', overBullmq)],
  },
  {
    id: 'dist-cpu-1p',
    title: 'distributed, CPU tasks, 1 worker',
    workload: '4 × crunch(N) through Redis to 1 worker process × 2 threads (raw BullMQ: one process, concurrency 2, so one core); time per task',
    kind: 'time',
    distributed: true,
    n: { full: 100_000_000, quick: 1_000 },
    anchors: { bullmq: 'BullMQ directly, 1 worker process', local: 'local ThreadPoolExecutor(2), no Redis' },
    goals: [ratioGoal('bullmq', 1 / 1.15, 'overhead ≤ 15% over raw BullMQ', overBullmq)],
  },
];

/** Words a ratio over the raw-BullMQ anchor as threadkit's time in units of BullMQ's. */
function overBullmq(r) {
  return `${(1 / r).toFixed(2)}× BullMQ’s time`;
}

/**
 * The goal of the churn figures: memory flat under churn — what is still in use after the loop
 * does not grow with N (at most 64 KiB of shared heap, whatever N).
 */
function flatGoal() {
  return {
    text: 'flat: ≤ 64 KiB still in use, whatever N',
    check: (m) => ({ measured: `${(m.value() / 1024).toFixed(1)} KiB`, met: m.value() <= 64 * 1024 }),
    budget: 64 * 1024,
  };
}

/** Workload size of `figure` for contender role `role` ('tk', 'cpython', …). */
export function sizeOf(figure, role, quick) {
  const own = figure.n[role];
  if (own !== undefined) return own[quick ? 1 : 0];
  return quick ? figure.n.quick : figure.n.full;
}
