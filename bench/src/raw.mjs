/**
 * The raw limits: what plain worker_threads + Atomics (no library) cost for each figure —
 * Atomics.compareExchange+store for an uncontended lock, a futex lock for a contended one,
 * Atomics.wait/notify for ping-pong, a MessagePort for a cross-thread queue, `new Worker` for
 * thread start, the crunch inline in 1 vs 2 workers for CPU scaling (this machine's ceiling),
 * a bare worker for RSS, a SharedArrayBuffer of its own for a lock's bytes.
 */
import { once } from 'node:events';
import { MessageChannel, Worker } from 'node:worker_threads';
import { bestOfAsync, CPU_REPEATS } from './best-of.mjs';
import { Ctrl } from './raw-futex.mjs';
import { settle, threadRss } from './memory.mjs';

const now = () => process.hrtime.bigint();
const since = (t0) => Number(now() - t0);
const WORKER = new URL('./raw-worker.mjs', import.meta.url);

/** `count` raw workers running `job` on one control block. */
class Crew {
  static async start(count, job, port) {
    const crew = new Crew();
    crew.c = new Int32Array(new SharedArrayBuffer(Ctrl.SIZE * 4));
    crew.workers = Array.from(
      { length: count },
      () => new Worker(WORKER, { workerData: { sab: crew.c.buffer, job, port }, transferList: port ? [port] : [] }),
    );
    await Promise.all(crew.workers.map((w) => once(w, 'message')));
    return crew;
  }

  /** Hands every worker a job of n rounds; returns the done count to wait for. */
  go(n) {
    const target = Atomics.load(this.c, Ctrl.DONE) + this.workers.length;
    Atomics.store(this.c, Ctrl.N, n);
    Atomics.add(this.c, Ctrl.SEQ, 1);
    Atomics.notify(this.c, Ctrl.SEQ);
    return target;
  }

  /** Blocks until the done count reaches `target`. */
  waitDone(target) {
    let d;
    while ((d = Atomics.load(this.c, Ctrl.DONE)) < target) Atomics.wait(this.c, Ctrl.DONE, d);
  }

  async close() {
    this.go(-1);
    await Promise.all(this.workers.map((w) => once(w, 'exit')));
  }
}

/** The raw ping-pong, shared by the Event and Condition figures. */
const pingpong = {
  async sample(n, state) {
    state.crew ??= await Crew.start(1, 'pong');
    const c = state.crew.c;
    Atomics.store(c, Ctrl.PINGPONG, 0);
    const t0 = now();
    const target = state.crew.go(n);
    for (let i = 0; i < n; i++) {
      Atomics.store(c, Ctrl.PINGPONG, 1);
      Atomics.notify(c, Ctrl.PINGPONG);
      let v;
      while ((v = Atomics.load(c, Ctrl.PINGPONG)) !== 2) Atomics.wait(c, Ctrl.PINGPONG, v);
    }
    const elapsed = since(t0);
    state.crew.waitDone(target);
    return elapsed / n;
  },
  end: (state) => state.crew?.close(),
};

export async function load() {
  const figures = {
    'lock-uncontended': {
      sample(n) {
        const c = new Int32Array(new SharedArrayBuffer(8));
        const t0 = now();
        for (let i = 0; i < n; i++) {
          if (Atomics.compareExchange(c, 0, 0, 1) !== 0) throw new Error('raw lock taken');
          Atomics.store(c, 0, 0);
        }
        return since(t0) / n;
      },
    },

    'lock-contended': {
      async sample(n, state) {
        state.crew ??= await Crew.start(2, 'futex-inc');
        const c = state.crew.c;
        Atomics.store(c, Ctrl.COUNTER, 0);
        const t0 = now();
        state.crew.waitDone(state.crew.go(n));
        const elapsed = since(t0);
        if (Atomics.load(c, Ctrl.COUNTER) !== 2 * n) throw new Error('raw futex lock lost increments');
        return elapsed / (2 * n);
      },
      end: (state) => state.crew?.close(),
    },

    'pingpong-event': pingpong,
    'pingpong-condition': pingpong,

    'cpu-scaling': {
      async sample(n, state) {
        state.crews ??= [await Crew.start(1, 'crunch4'), await Crew.start(2, 'crunch2')];
        const times = await bestOfAsync(CPU_REPEATS, state.crews, async (crew) => {
          const t0 = now();
          crew.waitDone(crew.go(n));
          return since(t0);
        });
        return { value: times[0] / times[1], extra: { t1_ms: times[0] / 1e6, t2_ms: times[1] / 1e6 } };
      },
      end: (state) => Promise.all((state.crews ?? []).map((crew) => crew.close())),
    },

    queue: {
      async sample(n, state) {
        if (state.crew === undefined) {
          const { port1, port2 } = new MessageChannel();
          state.port = port1;
          state.crew = await Crew.start(1, 'post', port2);
        }
        let left = n;
        let total = 0;
        const t0 = now();
        const all = new Promise((resolve) => {
          state.port.onmessage = (event) => {
            total += event.data;
            if (--left === 0) resolve();
          };
        });
        state.crew.go(n);
        await all;
        const elapsed = since(t0);
        if (total !== (n * (n - 1)) / 2) throw new Error('MessagePort lost items');
        return elapsed / n;
      },
      async end(state) {
        state.port?.close();
        await state.crew?.close();
      },
    },

    'thread-start': {
      async sample(n) {
        const t0 = now();
        for (let i = 0; i < n; i++) {
          const w = new Worker('', { eval: true });
          await once(w, 'exit');
        }
        return since(t0) / n;
      },
    },

    'rss-thread': {
      async sample(k) {
        // A bare worker: an ES module file (as threadkit's workers are) that blocks in Atomics.wait.
        const cell = new Int32Array(new SharedArrayBuffer(4));
        const idle = new URL('./raw-idle-worker.mjs', import.meta.url);
        return threadRss(k, {
          start: () => Array.from({ length: k }, () => new Worker(idle, { workerData: cell.buffer })),
          ready: (workers) => Promise.all(workers.map((w) => once(w, 'message'))),
          async stop(workers) {
            Atomics.store(cell, 0, 1);
            Atomics.notify(cell, 0);
            await Promise.all(workers.map((w) => once(w, 'exit')));
          },
        });
      },
    },

    'bytes-lock': {
      async sample(k) {
        // A lock with a SharedArrayBuffer of its own: a 4-byte SAB and its Int32Array view.
        const keep = new Array(k).fill(null);
        await settle();
        const before = process.memoryUsage();
        for (let i = 0; i < k; i++) keep[i] = new Int32Array(new SharedArrayBuffer(4));
        await settle();
        const after = process.memoryUsage();
        const js = after.heapUsed - before.heapUsed;
        const rss = after.rss - before.rss;
        return { value: Math.max(js, rss) / k, extra: { js_heap_per_lock: Math.round(js / k), rss_per_lock: Math.round(rss / k) } };
      },
    },
  };
  return { info: { module: 'node:worker_threads + Atomics' }, figures };
}
