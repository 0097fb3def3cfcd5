// requires: redis-server
// Seed 002's Practice Exercise 1 (fetch 50 URLs) and a CPU-bound map, scaled out: the same
// Executor API on 2 threadkit-worker processes × 2 threads (a DistributedExecutor over BullMQ on a
// private Redis), against the local ThreadPoolExecutor with as many threads. Lesson: the code does
// not change — map, results, order — only the executor does; on one machine the distributed one
// pays a Redis round trip per task, and what it buys is more machines. No internet: a local server
// answers each request after 25 ms.
import { ThreadPoolExecutor, task } from '#threading';
import { DistributedExecutor } from '@threadkit/distributed';
import { fileURLToPath } from 'node:url';
import { check } from './lib/check';
import { startCluster } from './lib/redis-and-workers';
import { startSlowServer } from './lib/slow-server';
import { warmUp } from './lib/warm-up';

const TASKS = fileURLToPath(new URL('./lib/distributed-tasks.mjs', import.meta.url));
const server = await startSlowServer(25);
const cluster = await startCluster('example', TASKS, 2, 2);
try {
  const urls = Array.from({ length: 50 }, (_, i) => `${server.url}/page/${i}`);
  const sizes = Array(8).fill(20_000_000);

  function timed<T>(label: string, run: () => T[]): T[] {
    const t0 = performance.now();
    const results = run();
    console.log(`${label.padEnd(42)} ${(performance.now() - t0).toFixed(0).padStart(5)} ms`);
    return results;
  }

  warmUp(4, server.url);
  let local: { io: number[]; cpu: number[] };
  {
    using ex = new ThreadPoolExecutor(4);
    const fetchStatus = task(new URL('./lib/distributed-tasks.mjs', import.meta.url), 'fetchStatus');
    const crunch = task(new URL('./lib/distributed-tasks.mjs', import.meta.url), 'crunch');
    [...ex.map(crunch, [1, 1, 1, 1])]; // load the module in each thread first
    local = {
      io: timed('local ThreadPoolExecutor(4): 50 URLs', () => [...ex.map(fetchStatus, urls)] as number[]),
      cpu: timed('local ThreadPoolExecutor(4): 8 x crunch', () => [...ex.map(crunch, sizes)] as number[]),
    };
  }

  let remote: { io: number[]; cpu: number[] };
  {
    using ex = new DistributedExecutor({ connection: cluster.url, queue: 'example' });
    const fetchStatus = task('./distributed-tasks.mjs', 'fetchStatus'); // resolved in the workers' task root
    const crunch = task('./distributed-tasks.mjs', 'crunch');
    // Warm up as the local pool was: every worker thread loads the module and its HTTP client.
    [...ex.map(crunch, [1, 1, 1, 1, 1, 1, 1, 1])];
    [...ex.map(fetchStatus, urls.slice(0, 16))];
    remote = {
      io: timed('DistributedExecutor, 2 workers x 2: 50 URLs', () => [...ex.map(fetchStatus, urls)] as number[]),
      cpu: timed('DistributedExecutor, 2 workers x 2: 8 x crunch', () => [...ex.map(crunch, sizes)] as number[]),
    };
    console.log('stats:', ex.stats());
  }

  const sequentialMs = urls.length * 25;
  check(remote.io.length === 50 && remote.io.every((s) => s === 200), 'all 50 URLs should return 200 through the workers');
  check(JSON.stringify(remote.io) === JSON.stringify(local.io), 'the distributed map returns what the local one does, in order');
  check(JSON.stringify(remote.cpu) === JSON.stringify(local.cpu), 'the CPU-bound results are the same, in order');
  console.log(`(sequential fetching would take at least ${sequentialMs} ms)`);
} finally {
  await cluster.stop();
  await server.close();
}
