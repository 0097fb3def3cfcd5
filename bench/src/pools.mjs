/**
 * The thread-pool libraries people use today, as anchors: piscina and tinypool, each with the
 * same task file (pool-task.mjs), in their promise API. Figures: tiny tasks (2 threads), CPU
 * scaling (1 vs 2 threads), and the fork/join sort split by hand (fork-join.mjs).
 */
import { bestOfAsync, CPU_REPEATS } from './best-of.mjs';
import { packageVersion } from './discover.mjs';
import { handSplitForkJoin } from './fork-join.mjs';

const now = () => process.hrtime.bigint();
const since = (t0) => Number(now() - t0);
const TASK = new URL('./pool-task.mjs', import.meta.url).href;
const FORK_JOIN_TASK = new URL('./fork-join-task.mjs', import.meta.url).href;

export async function load(name) {
  const Pool =
    name === 'piscina' ? (await import('piscina')).Piscina : (await import('tinypool')).default;
  const version = packageVersion(name);
  const pool = (threads) => new Pool({ filename: TASK, minThreads: threads, maxThreads: threads });

  const figures = {
    executor: {
      async sample(n, state) {
        state.pool ??= pool(2);
        const t0 = now();
        const runs = [];
        for (let i = 0; i < n; i++) runs.push(state.pool.run(0));
        await Promise.all(runs);
        return since(t0) / n;
      },
      end: (state) => state.pool?.destroy(),
    },
    'cpu-scaling': {
      async sample(n, state) {
        state.pools ??= [pool(1), pool(2)];
        const times = await bestOfAsync(CPU_REPEATS, state.pools, async (p) => {
          const t0 = now();
          await Promise.all([0, 1, 2, 3].map(() => p.run(n)));
          return since(t0);
        });
        return { value: times[0] / times[1], extra: { t1_ms: times[0] / 1e6, t2_ms: times[1] / 1e6 } };
      },
      end: (state) => Promise.all((state.pools ?? []).map((p) => p.destroy())),
    },
    'fork-join-sort': handSplitForkJoin((threads) => new Pool({ filename: FORK_JOIN_TASK, minThreads: threads, maxThreads: threads })),
  };
  return { info: { module: `${name}@${version}` }, figures };
}
