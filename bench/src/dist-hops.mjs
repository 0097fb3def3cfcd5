#!/usr/bin/env node
/**
 * What the thread hops of the distributed executor's design cost on their own, with nothing of
 * threadkit's: raw BullMQ (a client's `add` + `waitUntilFinished`, a Worker running the task
 * inline) against the same with the hops a DistributedExecutor makes — the client's call to an
 * I/O thread that owns the BullMQ objects and back (what lets `result()` block the calling
 * thread), and the worker's hand-off of each job to a pool thread and back (what runs tasks on
 * every core) — each made the plainest way Node offers (a worker_thread and a MessagePort) —,
 * and threadkit's DistributedExecutor and threadkit-worker, each with the other side made of raw
 * hops ('tk client', 'tk worker') and together ('threadkit'). All through private
 * redis-servers to 1 worker process of 2 threads (concurrency 2), measured round-robin:
 *
 *   node src/dist-hops.mjs [rounds] [--out NAME]
 *
 * `latency`: one tiny task at a time, submit → result; `tiny`: 2,000 tiny tasks at once. Prints
 * each variant's median per task and its ratio to raw BullMQ's (the median of the per-round
 * ratios), as a markdown table, also written to results/NAME.md with `--out`. Needs
 * redis-server on PATH.
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { isMainThread, parentPort, workerData, Worker as Thread } from 'node:worker_threads';
import { bullmqClient, threadkitClient } from './distributed.mjs';

if (!isMainThread) {
  // The client's I/O thread: owns the Queue and QueueEvents; each request is one task (as a
  // submit is), batched per turn of its event loop into one add or addBulk; each result goes back alone.
  const { Queue, QueueEvents } = await import('bullmq');
  const { url, queue, format } = workerData;
  const { hostname, port } = new URL(url);
  const connection = { host: hostname, port: Number(port) };
  const q = new Queue(queue, { connection });
  q.setMaxListeners(0);
  const events = new QueueEvents(queue, { connection });
  await events.waitUntilReady();
  const opts = { removeOnComplete: { age: 3600 }, removeOnFail: { age: 86_400 } };
  let batch = [];
  const flush = async () => {
    const requests = batch;
    batch = [];
    // In threadkit's format, a job threadkit-worker runs: the task's module and name, the result in an envelope.
    const data = ({ name, args }) => (format === 'threadkit' ? { module: './dist-tasks.mjs', name, args } : { args });
    const jobs = requests.length === 1 ? [await q.add(requests[0].name, data(requests[0]), opts)] : await q.addBulk(requests.map((r) => ({ name: r.name, data: data(r), opts })));
    const unwrap = format === 'threadkit' ? (result) => result.value : (result) => result;
    jobs.forEach((job, i) => job.waitUntilFinished(events).then((result) => parentPort.postMessage({ id: requests[i].id, value: unwrap(result) })));
  };
  parentPort.on('message', (request) => {
    if (request === 'close') return void Promise.all([events.close(), q.close()]).then(() => parentPort.close());
    batch.push(request);
    if (batch.length === 1) setImmediate(flush);
  });
  parentPort.postMessage('ready');
} else {
  const { startCluster, HAVE_REDIS } = await import('./dist-cluster.mjs');
  if (!HAVE_REDIS) {
    console.error('dist-hops: redis-server is not on PATH');
    process.exit(2);
  }

  /** A client whose calls go through an I/O thread (above) over a MessagePort. */
  async function hopClient(url, queue, format = 'raw') {
    const thread = new Thread(new URL(import.meta.url), { workerData: { url, queue, format } });
    const waiting = new Map();
    let nextId = 0;
    await new Promise((resolve) => thread.once('message', resolve));
    thread.on('message', ({ id, value }) => {
      waiting.get(id)(value);
      waiting.delete(id);
    });
    const one = (name, args) =>
      new Promise((resolve) => {
        const id = nextId++;
        waiting.set(id, resolve);
        thread.postMessage({ id, name, args });
      });
    return {
      one,
      run: (name, argsList) => Promise.all(argsList.map((args) => one(name, args))),
      close: () => (thread.postMessage('close'), new Promise((resolve) => thread.once('exit', resolve))),
    };
  }

  const VARIANTS = [
    { name: 'raw BullMQ', client: bullmqClient, worker: 'bullmq' },
    { name: '+ worker hop', client: bullmqClient, worker: 'bullmq-hop' },
    { name: '+ client hop', client: hopClient, worker: 'bullmq' },
    { name: '+ both hops', client: hopClient, worker: 'bullmq-hop' },
    { name: 'threadkit client', client: threadkitClient, worker: 'bullmq-hop' },
    { name: 'threadkit worker', client: (url, queue) => hopClient(url, queue, 'threadkit'), worker: 'threadkit' },
    { name: 'threadkit', client: threadkitClient, worker: 'threadkit' },
  ];
  const CLIENTS = new Map([[bullmqClient, 'BullMQ on the calling thread'], [hopClient, 'BullMQ on an I/O thread (MessagePort)'], [threadkitClient, 'DistributedExecutor']]);
  const WORKERS = { bullmq: 'BullMQ, task inline', 'bullmq-hop': 'BullMQ, task on a plain thread (MessagePort)', threadkit: 'threadkit-worker' };
  for (const v of VARIANTS) {
    v.clientText = CLIENTS.get(v.client) ?? 'BullMQ on an I/O thread (MessagePort), threadkit’s job format';
    v.workerText = WORKERS[v.worker];
  }
  process.env.BENCH_TK_MODULE ??= '@threadkit/backend-workers';
  const args = process.argv.slice(2);
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args.splice(outAt, 2)[1] : undefined;
  const rounds = Number(args[0] ?? 5);
  const loadBefore = loadavg().map((x) => x.toFixed(2)).join(' ');
  const started = Date.now();
  const LATENCY_N = 300;
  const TINY_N = 2000;

  for (const v of VARIANTS) {
    const queue = `hops-${VARIANTS.indexOf(v)}`;
    v.cluster = await startCluster(v.worker, queue, 1, 2);
    v.api = await v.client(v.cluster.url, queue);
    await v.api.run('add', Array.from({ length: 200 }, (_, i) => [i, 1])); // warm-up
    for (let i = 0; i < 100; i++) await v.api.one('add', [i, 1]);
    v.latency = [];
    v.tiny = [];
  }
  for (let round = 0; round < rounds; round++) {
    for (const v of VARIANTS) {
      let t0 = performance.now();
      for (let i = 0; i < LATENCY_N; i++) if ((await v.api.one('add', [i, 1])) !== i + 1) throw new Error(`${v.name}: wrong result`);
      v.latency.push(((performance.now() - t0) / LATENCY_N) * 1000);
      t0 = performance.now();
      const results = await v.api.run('add', Array.from({ length: TINY_N }, (_, i) => [i, 1]));
      if (results[TINY_N - 1] !== TINY_N) throw new Error(`${v.name}: wrong result`);
      v.tiny.push(((performance.now() - t0) / TINY_N) * 1000);
    }
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const [raw] = VARIANTS;
  /** A variant's median per task (µs) and the median of its per-round ratios to raw BullMQ's. */
  const cell = (v, key) => `${median(v[key]).toFixed(0)} µs, ${median(v[key].map((x, i) => x / raw[key][i])).toFixed(2)}×`;
  const lines = [
    `Command (in \`bench/\`): \`node src/dist-hops.mjs ${rounds}${out ? ` --out ${out}` : ''}\` — ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, Node ${process.version}, load ${loadBefore} at start and ${loadavg().map((x) => x.toFixed(2)).join(' ')} at end, ${((Date.now() - started) / 1000).toFixed(0)} s.`,
    '',
    `${rounds} rounds, variants in turn; 1 worker process of 2 threads (concurrency 2); per task: median, then the median of the per-round ratios to raw BullMQ's.`,
    '',
    '| variant | client | worker | submit → result (one at a time) | tiny tasks (2,000 at once) |',
    '|---|---|---|--:|--:|',
    ...VARIANTS.map((v) => `| ${v.name} | ${v.clientText} | ${v.workerText} | ${cell(v, 'latency')} | ${cell(v, 'tiny')} |`),
  ];
  console.log(lines.join('\n'));
  if (out !== undefined) writeFileSync(new URL(`../results/${out}.md`, import.meta.url), `# The distributed executor's thread hops, apart\n\n${lines.join('\n')}\n`);
  for (const v of VARIANTS) {
    await v.api.close();
    await v.cluster.stop();
  }
  process.exit(0);
}
