/**
 * The distributed figures (issue 16): a DistributedExecutor (`threadkit`, on the contender's
 * backend) against BullMQ used directly (`bullmq`: Queue.addBulk / add + Job.waitUntilFinished on
 * QueueEvents, a Worker calling the function in its own process), and against the local
 * executor (`local`: the same tasks on a ThreadPoolExecutor, no Redis). The first two send the same tasks
 * (dist-tasks.mjs) through a private redis-server to worker processes that the figure starts
 * once (on its first sample) and stops at its end.
 */
import { startCluster } from './dist-cluster.mjs';

const now = () => process.hrtime.bigint();
const since = (t0) => Number(now() - t0);
/** Where each figure's workers run: processes × threads (a raw BullMQ worker: × concurrency). */
const SHAPES = { 'dist-tiny': [1, 2], 'dist-tiny-2p': [2, 2], 'dist-latency': [1, 2], 'dist-cpu': [2, 1], 'dist-cpu-1p': [1, 2] };

/** A client of one kind: `run(name, argsList)` → results in order; `one(name, args)` → result. */
export async function threadkitClient(url, queue) {
  const { task } = await import(process.env.BENCH_TK_MODULE);
  const { DistributedExecutor } = await import('@threadkit/distributed');
  const ex = new DistributedExecutor({ connection: url, queue });
  const tasks = { add: task('./dist-tasks.mjs', 'add'), crunch: task('./dist-tasks.mjs', 'crunch') };
  return {
    run: (name, argsList) => Promise.all(argsList.map((args) => ex.submit(tasks[name], ...args))),
    one: (name, args) => ex.submit(tasks[name], ...args),
    close: () => ex.shutdownAsync(),
  };
}

export async function bullmqClient(url, queue) {
  const { Queue, QueueEvents } = await import('bullmq');
  const { hostname, port } = new URL(url);
  const connection = { host: hostname, port: Number(port) };
  const q = new Queue(queue, { connection });
  q.setMaxListeners(0); // Job.waitUntilFinished adds a 'closing' listener per waiting job
  const events = new QueueEvents(queue, { connection });
  await events.waitUntilReady();
  const opts = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 86_400 } };
  return {
    async run(name, argsList) {
      const jobs = await q.addBulk(argsList.map((args) => ({ name, data: { args }, opts })));
      return Promise.all(jobs.map((job) => job.waitUntilFinished(events)));
    },
    async one(name, args) {
      const job = await q.add(name, { args }, opts);
      return job.waitUntilFinished(events);
    },
    close: () => Promise.all([events.close(), q.close()]),
  };
}

/**
 * The local anchor: the same tasks on a local ThreadPoolExecutor (workers backend) with as many
 * threads as the figure's workers have in all — what the network and Redis cost over staying home.
 */
async function localClient(id) {
  const { ThreadPoolExecutor, task } = await import('@threadkit/backend-workers');
  const [procs, threads] = SHAPES[id];
  const ex = new ThreadPoolExecutor(procs * threads);
  const module = new URL('./dist-tasks.mjs', import.meta.url).href;
  const tasks = { add: task(module, 'add'), crunch: task(module, 'crunch') };
  return {
    run: (name, argsList) => Promise.all(argsList.map((args) => ex.submit(tasks[name], ...args))),
    one: (name, args) => ex.submit(tasks[name], ...args),
    close: () => ex.shutdownAsync(),
  };
}

/** `{ sample, end }` of a figure for client `kind`; the cluster and client start on the first sample. */
function figure(kind, id, measure) {
  return {
    async sample(n, state) {
      if (state.client === undefined && kind === 'local') {
        state.client = await localClient(id);
      } else if (state.client === undefined) {
        const [procs, threads] = SHAPES[id];
        state.cluster = await startCluster(kind, id, procs, threads);
        state.client = await (kind === 'threadkit' ? threadkitClient : bullmqClient)(state.cluster.url, id);
      }
      if (!state.warm) {
        state.warm = true;
        await state.client.run('add', Array.from({ length: 20 }, (_, i) => [i, 1])); // warm-up: workers, threads, modules
        await state.client.run('crunch', [[1000], [1000]]);
      }
      return measure(state.client, n);
    },
    async end(state) {
      await state.client?.close();
      await state.cluster?.stop();
    },
  };
}

/** N tiny tasks at once, all awaited: time per task. */
async function tiny(client, n) {
  const t0 = now();
  const results = await client.run('add', Array.from({ length: n }, (_, i) => [i, 1]));
  const ns = since(t0) / n;
  if (results[n - 1] !== n) throw new Error(`wrong result ${results[n - 1]}`);
  return ns;
}

/** 4 CPU tasks at once: time per task. */
async function cpu(client, n) {
  const t0 = now();
  await client.run('crunch', [[n], [n], [n], [n]]);
  return since(t0) / 4;
}

/** The figures for contender `kind` ('threadkit', 'bullmq' or 'local'). */
export function distributedFigures(kind) {
  return {
    'dist-tiny': figure(kind, 'dist-tiny', tiny),
    'dist-tiny-2p': figure(kind, 'dist-tiny-2p', tiny),
    'dist-latency': figure(kind, 'dist-latency', async (client, n) => {
      const t0 = now();
      for (let i = 0; i < n; i++) if ((await client.one('add', [i, 1])) !== i + 1) throw new Error('wrong result');
      return since(t0) / n;
    }),
    'dist-cpu': figure(kind, 'dist-cpu', cpu),
    'dist-cpu-1p': figure(kind, 'dist-cpu-1p', cpu),
  };
}

/** runner.mjs's entry for the `bullmq` contender, and for `local` (the local executor anchor). */
export async function load(kind) {
  if (kind === 'local') return { info: { module: '@threadkit/backend-workers ThreadPoolExecutor' }, figures: distributedFigures('local') };
  const { createRequire } = await import('node:module');
  const version = createRequire(import.meta.url)('bullmq/package.json').version;
  return { info: { module: `bullmq@${version}` }, figures: distributedFigures('bullmq') };
}
