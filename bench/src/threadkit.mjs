/**
 * threadkit's side of every figure, for one backend package (`load('@threadkit/backend-…')`).
 * The workloads mirror bench/python/bench.py line for line. Thread targets are self-contained
 * functions (threadkit's exports are in scope inside them); the main thread takes the other
 * side with the sync API, as the CPython script's main thread does.
 */
import { HANDLE } from '@threadkit/api/spi';
import { bestOf, CPU_REPEATS } from './best-of.mjs';
import { settle, threadRss } from './memory.mjs';
import { threadkitForkJoin } from './fork-join.mjs';

const now = () => process.hrtime.bigint();
const since = (t0) => Number(now() - t0);

export async function load(moduleName) {
  const tk = await import(moduleName);
  const { Thread, Lock, Event, Condition, Queue, Value, Semaphore, ThreadPoolExecutor, heapStats } = tk;

  /** Starts `target(...args)` in `count` threads; they should wait for `go` before timing-relevant work. */
  const startThreads = (count, target, args) => {
    const threads = Array.from({ length: count }, () => new Thread({ target, args }));
    for (const t of threads) t.start();
    return threads;
  };

  /** `threads` threads × `n` increments of a shared counter under one Lock; ns per increment. */
  const contendedLock = (threads, n) => {
    const lock = new Lock();
    const counter = new Value('i', 0);
    const go = new Event();
    const started = startThreads(
      threads,
      (lock, counter, go, n) => {
        go.wait();
        for (let i = 0; i < n; i++) {
          lock.acquire();
          counter.value = counter.value + 1;
          lock.release();
        }
      },
      [lock, counter, go, n],
    );
    const t0 = now();
    go.set();
    for (const t of started) t.join();
    const elapsed = since(t0);
    if (counter.value !== threads * n) throw new Error(`lost increments: ${counter.value} != ${threads * n}`);
    return elapsed / (threads * n);
  };

  /** Main ↔ thread bounce two Events; ns per round trip. */
  const pingpongEvent = (n) => {
    const ping = new Event();
    const pong = new Event();
    const [t] = startThreads(
      1,
      (ping, pong, n) => {
        for (let i = 0; i < n; i++) {
          ping.wait();
          ping.clear();
          pong.set();
        }
      },
      [ping, pong, n],
    );
    const t0 = now();
    for (let i = 0; i < n; i++) {
      ping.set();
      pong.wait();
      pong.clear();
    }
    const elapsed = since(t0);
    t.join();
    return elapsed / n;
  };

  /**
   * Runs `sample(n)` with a diagnostics setting on (`setDumpStacks(true)`, the deadlock watch in
   * 'raise', or a trace: `startTrace()` … `stopTrace()`), then off. A backend built before the diagnostics has no such call: it runs the plain
   * workload, the "before" row.
   */
  const withDiagnostics = (setting, sample) => (n, ...rest) => {
    const on = {
      stacks: () => tk.setDumpStacks?.(true),
      watch: () => tk.setDeadlockMode?.('raise'),
      trace: () => tk.startTrace?.(),
    }[setting];
    const off = {
      stacks: () => tk.setDumpStacks?.(false),
      watch: () => tk.setDeadlockMode?.('off'),
      // The trace is collected (what a stopTrace costs is part of tracing) and dropped.
      trace: () => tk.stopTrace?.(),
    }[setting];
    on();
    try {
      return sample(n, ...rest);
    } finally {
      off();
    }
  };

  const figures = {
    'lock-uncontended': {
      sample(n) {
        const lock = new Lock();
        // Shared, as a lock other threads use is (a lock that never leaves its thread stays a
        // plain flag and costs a few ns; see the api's Memory section).
        void lock[HANDLE];
        const t0 = now();
        for (let i = 0; i < n; i++) {
          lock.acquire();
          lock.release();
        }
        return since(t0) / n;
      },
    },

    'lock-contended': { sample: (n) => contendedLock(2, n) },

    'lock-contended-8': { sample: (n) => contendedLock(8, n) },

    'lock-contended-stacks': { sample: withDiagnostics('stacks', (n) => contendedLock(2, n)) },

    'lock-contended-watch': { sample: withDiagnostics('watch', (n) => contendedLock(2, n)) },

    'pingpong-event-stacks': { sample: withDiagnostics('stacks', pingpongEvent) },

    'lock-contended-trace': { sample: withDiagnostics('trace', (n) => contendedLock(2, n)) },

    'pingpong-event': { sample: (n) => pingpongEvent(n) },

    'pingpong-condition': {
      sample(n) {
        const cond = new Condition();
        const turn = new Value('i', 0);
        const [t] = startThreads(
          1,
          (cond, turn, n) => {
            for (let i = 0; i < n; i++) {
              cond.acquire();
              while (turn.value !== 1) cond.wait();
              turn.value = 0;
              cond.notify();
              cond.release();
            }
          },
          [cond, turn, n],
        );
        const t0 = now();
        for (let i = 0; i < n; i++) {
          cond.acquire();
          turn.value = 1;
          cond.notify();
          while (turn.value !== 0) cond.wait();
          cond.release();
        }
        const elapsed = since(t0);
        t.join();
        return elapsed / n;
      },
    },

    queue: {
      sample(n) {
        const q = new Queue(64);
        const go = new Event();
        const [t] = startThreads(
          1,
          (q, go, n) => {
            go.wait();
            for (let i = 0; i < n; i++) q.put(i);
          },
          [q, go, n],
        );
        const t0 = now();
        go.set();
        let total = 0;
        for (let i = 0; i < n; i++) total += q.get();
        const elapsed = since(t0);
        t.join();
        if (total !== (n * (n - 1)) / 2) throw new Error('queue lost or duplicated items');
        return elapsed / n;
      },
    },

    'queue-8': {
      sample(n) {
        const q = new Queue(64);
        const go = new Event();
        const per = n / 4;
        const sums = new Value('d', 0);
        const producers = startThreads(
          4,
          (q, go, per) => {
            go.wait();
            for (let i = 0; i < per; i++) q.put(i);
          },
          [q, go, per],
        );
        const consumers = startThreads(
          4,
          (q, go, per, sums) => {
            go.wait();
            let total = 0;
            for (let i = 0; i < per; i++) total += q.get();
            const lock = sums.getLock();
            lock.acquire();
            sums.value = sums.value + total;
            lock.release();
          },
          [q, go, per, sums],
        );
        const t0 = now();
        go.set();
        for (const t of [...producers, ...consumers]) t.join();
        const elapsed = since(t0);
        if (sums.value !== 4 * ((per * (per - 1)) / 2)) throw new Error('queue lost or duplicated items');
        return elapsed / n;
      },
    },

    executor: {
      sample(n, state) {
        state.pool ??= new ThreadPoolExecutor(2);
        const t0 = now();
        const futures = [];
        for (let i = 0; i < n; i++) futures.push(state.pool.submit(() => {}));
        for (const f of futures) f.result();
        return since(t0) / n;
      },
      end(state) {
        state.pool?.shutdown();
      },
    },

    'executor-options': {
      sample(n, state) {
        state.pool ??= new ThreadPoolExecutor(2);
        const controller = new AbortController();
        const options = { signal: controller.signal, timeout: 60_000, priority: 0 };
        const run = (withOptions) => {
          const t0 = now();
          const futures = [];
          for (let i = 0; i < n; i++) futures.push(withOptions ? state.pool.submitWith(options, () => {}) : state.pool.submit(() => {}));
          for (const f of futures) f.result();
          return since(t0);
        };
        if (typeof state.pool.submitWith !== 'function') throw new Error('this build has no submitWith');
        const [plain, withOptions] = bestOf(CPU_REPEATS, [false, true], run);
        return { value: plain / withOptions, extra: { plain_ns: plain / n, options_ns: withOptions / n } };
      },
      end(state) {
        state.pool?.shutdown();
      },
    },

    'timeout-to-failure': {
      sample(n, state) {
        state.pool ??= new ThreadPoolExecutor({ maxWorkers: 1, killAfter: 0 });
        const timeout = 20;
        const measure = (task) => {
          const times = [];
          for (let i = 0; i < n; i++) {
            const started = new Event();
            const f = state.pool.submitWith({ timeout }, task, started);
            started.wait();
            const deadline = performance.now() + timeout;
            f.exception();
            times.push(performance.now() - deadline);
          }
          return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
        };
        const hard = measure((started) => {
          started.set();
          for (;;);
        });
        const cooperative = measure((started) => {
          const signal = taskSignal();
          started.set();
          while (!signal.aborted);
          signal.throwIfAborted();
        });
        // ns, as every 'time' figure.
        return { value: hard * 1e6, extra: { hard_ms: hard, cooperative_ms: cooperative } };
      },
      end(state) {
        state.pool?.shutdown();
      },
    },

    'executor-trace': {
      sample: withDiagnostics('trace', (n, state) => figures.executor.sample(n, state)),
      end: (state) => figures.executor.end(state),
    },

    'executor-stacks': {
      sample: withDiagnostics('stacks', (n, state) => figures.executor.sample(n, state)),
      end: (state) => figures.executor.end(state),
    },

    'thread-start': {
      sample(n) {
        const t0 = now();
        for (let i = 0; i < n; i++) {
          const t = new Thread({ target: () => {} });
          t.start();
          t.join();
        }
        return since(t0) / n;
      },
    },

    'cpu-scaling': {
      sample(n, state) {
        state.pools ??= [new ThreadPoolExecutor(1), new ThreadPoolExecutor(2)];
        const crunch = (n) => {
          let s = 0;
          for (let i = 0; i < n; i++) s += i * i;
          return s;
        };
        const times = bestOf(CPU_REPEATS, state.pools, (pool) => {
          const t0 = now();
          const futures = [0, 1, 2, 3].map(() => pool.submit(crunch, n));
          for (const f of futures) f.result();
          return since(t0);
        });
        return { value: times[0] / times[1], extra: { t1_ms: times[0] / 1e6, t2_ms: times[1] / 1e6 } };
      },
      end(state) {
        for (const pool of state.pools ?? []) pool.shutdown();
      },
    },

    'rss-thread': {
      async sample(k) {
        // Occupy the pool's warm worker first (it exists before any thread starts), so each of
        // the k measured threads gets a worker of its own, as a bare worker would.
        const started = new Semaphore(0);
        const stop = new Event();
        const idle = (started, stop) => {
          started.release();
          stop.wait();
        };
        const [occupier] = startThreads(1, idle, [started, stop]);
        started.acquire();
        return threadRss(k, {
          start: () => startThreads(k, idle, [started, stop]),
          ready() {
            for (let i = 0; i < k; i++) started.acquire();
          },
          stop(threads) {
            stop.set();
            for (const t of [occupier, ...threads]) t.join();
          },
        });
      },
    },

    'bytes-lock': {
      sample: (k) => heapBytesPer(() => new Lock(), k),
    },

    'bytes-queue': {
      sample: (k) => heapBytesPer(() => new Queue(), k),
    },

    'churn-queue': {
      sample: (n) =>
        churn(() => {
          for (let i = 0; i < n; i++) {
            const q = new Queue();
            q.put(i);
            if (q.get() !== i) throw new Error('queue returned another item');
          }
        }),
    },

    'churn-submit': {
      sample: (n) => {
        const pool = new ThreadPoolExecutor(2);
        pool.submit(() => 0).result(); // the pool's threads are up before the baseline
        const result = churn(() => {
          const ring = new Array(1000);
          let sum = 0;
          for (let i = 0; i < n; i++) {
            const slot = i % ring.length;
            if (ring[slot] !== undefined) sum += ring[slot].result();
            ring[slot] = pool.submit((x) => x, i & 1);
          }
          for (const f of ring) if (f !== undefined) sum += f.result();
          if (sum !== n >> 1) throw new Error(`lost results: ${sum} != ${n >> 1}`);
        });
        pool.shutdown();
        return result;
      },
    },
  };

  /**
   * Memory left in use by a churn loop run synchronously (no turn of the event loop, so no
   * finalizer runs in it): shared-heap bytes in use after the loop minus before, and the RSS
   * growth alongside.
   */
  function churn(loop) {
    const heapBefore = heapStats().usedBytes;
    const rssBefore = process.memoryUsage.rss();
    loop();
    const heapAfter = heapStats();
    return {
      value: heapAfter.usedBytes - heapBefore,
      extra: { rss_growth: process.memoryUsage.rss() - rssBefore, heap_size: heapAfter.sizeBytes },
    };
  }

  /**
   * Shared-heap bytes per object: the stride between the heap addresses (`obj[HANDLE].address`)
   * of k objects made back to back in a fresh process, once the pool's warm worker is up and
   * idle (so no other thread allocates meanwhile). The allocator then serves every block from
   * its bump pointer, so the stride is exactly the heap bytes each object took, headers and
   * rounding included; the median stride ignores a block recycled from a free list. The JS-side
   * cost of a handle (V8 heap per object after a GC, over a second batch of 20 000) is reported
   * alongside.
   */
  async function heapBytesPer(make, k) {
    const warm = new Thread({ target: () => {} });
    warm.start();
    warm.join();
    const keep = Array.from({ length: k }, make);
    const addresses = keep.map((o) => o[HANDLE].address);
    const strides = addresses.slice(1).map((a, i) => a - addresses[i]);
    const stride = [...strides].sort((a, b) => a - b)[strides.length >> 1];
    const batch = new Array(20_000).fill(null);
    await settle();
    const heapBefore = process.memoryUsage().heapUsed;
    for (let i = 0; i < batch.length; i++) batch[i] = make();
    await settle();
    const jsBytes = (process.memoryUsage().heapUsed - heapBefore) / batch.length;
    const uniform = strides.filter((s) => s === stride).length / strides.length;
    return { value: stride, extra: { js_handle_bytes: Math.round(jsBytes), uniform_stride: uniform } };
  }

  figures['fork-join-sort'] = threadkitForkJoin(tk);
  return { info: { module: moduleName }, figures };
}
